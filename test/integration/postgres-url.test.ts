import { describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { connectPostgres } from '../../src/db/client.ts'
import { TEST_DATABASE_URL } from '../support/db.ts'

const SOCKET_DIR = '/var/run/postgresql'

describe('DATABASE_URL with a Unix socket directory (?host=, as libpq reads it)', () => {
  test('the directory becomes the host and is not sent to the server as a setting', async () => {
    const sql = connectPostgres('postgres://app@localhost:5433/pitwall?host=/run/pg&application_name=x', { max: 1 })
    expect(sql.options.host).toEqual(['/run/pg'])
    expect(sql.options.path).toBe('/run/pg/.s.PGSQL.5433')
    expect(sql.options.connection).toMatchObject({ application_name: 'x' })
    expect(sql.options.connection).not.toHaveProperty('host')
    const tcp = connectPostgres('postgres://app@db.internal:5432/pitwall', { max: 1 })
    expect(tcp.options.host).toEqual(['db.internal'])
    expect(tcp.options.path).toBeFalsy()
    await Promise.all([sql.end(), tcp.end()])
  })

  test.skipIf(!TEST_DATABASE_URL || !existsSync(`${SOCKET_DIR}/.s.PGSQL.5432`))('connects over the socket (no server address)', async () => {
    const u = new URL(TEST_DATABASE_URL!)
    u.searchParams.set('host', SOCKET_DIR)
    const sql = connectPostgres(u.toString(), { max: 1, onnotice: () => {} })
    try {
      const [row] = await sql`select inet_server_addr() as addr, current_database() as db`
      expect(row.addr).toBeNull()
      expect(row.db).toBe(u.pathname.slice(1))
    } finally {
      await sql.end()
    }
  })
})

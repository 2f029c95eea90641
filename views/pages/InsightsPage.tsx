import type { Child } from 'hono/jsx'
import { Layout } from '../Layout.tsx'
import type { Insights } from '../../src/insights/service.ts'
import type { StoreOption } from '../../src/insights/service.ts'
import type { Draft } from '../../src/insights/drafts.ts'
import { percent } from '../../src/insights/aggregate.ts'
import { filterQuery, type InsightsFilter } from '../../src/insights/range.ts'
import type { TableName } from '../../src/insights/tables.ts'
import { InsightsFilters } from '../partials/InsightsFilters.tsx'
import { ChartFigure } from '../partials/charts/ChartFigure.tsx'
import { StackedBars } from '../partials/charts/StackedBars.tsx'
import { TargetBars } from '../partials/charts/TargetBars.tsx'
import { Heatmap } from '../partials/charts/Heatmap.tsx'
import { StarBars } from '../partials/charts/StarBars.tsx'
import { UnansweredQuestions } from '../partials/UnansweredQuestions.tsx'
import { DraftList } from '../partials/DraftList.tsx'

export interface InsightsPageProps {
  me: { name: string; role: string }
  filter: InsightsFilter
  stores: StoreOption[]
  timeZone: string
  data: Insights
  drafts: Draft[]
  notice?: string
}

/** Escalation analytics for admins and managers: every chart is SVG with a data table and a CSV download. */
export function InsightsPage(p: InsightsPageProps) {
  const { data: d, filter: f } = p
  const csv = (name: TableName) => `/insights/export/${name}.csv?${filterQuery(f)}`
  const per = f.bucket === 'week' ? 'per week' : 'per day'
  const fig = (id: string, title: string, table: TableName, note: string, chart: Child) =>
    <ChartFigure id={id} title={title} note={note} table={d.tables[table]} csvHref={csv(table)}>{chart}</ChartFigure>
  const r = d.resolution
  const rated = d.ratings.helpful + d.ratings.notHelpful
  return (
    <Layout title="Insights · Pitwall" staff={p.me}>
      <main class="insights">
        <h1>Insights</h1>
        <InsightsFilters filter={f} stores={p.stores} />
        {p.notice && <p class="notice" role="status">{p.notice}</p>}
        <dl class="stats">
          <div><dt>Conversations</dt><dd>{r.conversations}</dd></div>
          <div><dt>Resolved by the AI</dt><dd>{percent(r.aiResolved, r.conversations)}</dd></div>
          <div><dt>Handed to a person</dt><dd>{percent(r.handedOff, r.conversations)}</dd></div>
          <div><dt>Answers rated helpful</dt><dd>{percent(d.ratings.helpful, rated)}</dd></div>
          <div><dt>Average chat rating</dt><dd>{d.ratings.average == null ? '–' : d.ratings.average.toFixed(1)}</dd></div>
        </dl>
        <div class="charts">
          {fig('handoffs-tag', `Handoffs by tag ${per}`, 'handoffs-by-tag', 'Handoffs from the AI to a person; a handoff with two tags counts for each.',
            <StackedBars id="c-tag" chart={d.handoffs.tag} label="handoffs" />)}
          {fig('handoffs-department', `Handoffs by department ${per}`, 'handoffs-by-department', 'Which team each handoff went to.',
            <StackedBars id="c-dept" chart={d.handoffs.department} label="handoffs" />)}
          {fig('handoffs-rule', `Handoffs by rule ${per}`, 'handoffs-by-rule', 'The escalation rule (or agent guardrail) that handed off.',
            <StackedBars id="c-rule" chart={d.handoffs.rule} label="handoffs" />)}
          {fig('resolution', `AI-resolved vs handed off ${per}`, 'resolution', 'Conversations by the day they started: finished by the AI alone, or handed to a person at some point.',
            <StackedBars id="c-res" chart={r} label="conversations" />)}
          {fig('first-response', 'Time to first human reply by priority', 'first-response', 'From the handoff to the first staff reply the rider sees; the dashed line is the priority\'s target in the rules.',
            <TargetBars id="c-resp" rows={d.response} />)}
          {fig('sla-breaches', `SLA breaches ${per}`, 'sla-breaches', 'Handoffs answered after their target, or not answered and already past it.',
            <StackedBars id="c-sla" chart={d.breaches} label="breaches" />)}
          {fig('busiest-hours', 'Busiest hours', 'busiest-hours', `Conversations started, by weekday and hour (${p.timeZone}).`,
            <Heatmap id="c-hours" grid={d.hours} label="conversations" />)}
          {fig('answer-ratings', `Rider ratings of AI answers ${per}`, 'answer-ratings', 'Thumbs up or down under an AI answer (a changed vote counts once).',
            <StackedBars id="c-thumbs" chart={d.ratings.answers} label="ratings" />)}
          {fig('chat-ratings', 'Chat ratings', 'chat-ratings', `${d.ratings.chats} closed chats rated.`,
            <StarBars id="c-stars" stars={d.ratings.stars} />)}
        </div>
        <UnansweredQuestions groups={d.unanswered} timeZone={p.timeZone} csvHref={csv('unanswered-questions')} storeId={f.store === 'all' ? undefined : f.store} />
        <DraftList drafts={p.drafts} />
      </main>
    </Layout>
  )
}

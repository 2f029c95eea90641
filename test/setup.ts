// Preloaded by bun test (bunfig.toml). Tests never talk to real outside services.
process.env.ANTHROPIC_API_KEY = ''

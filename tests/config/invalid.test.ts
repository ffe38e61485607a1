import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { problemsOf, workDir } from './fixtures.ts';

const load = (files: Record<string, string>, env: Record<string, string> = {}, argv: string[] = []) => {
  const cwd = workDir(files);
  return problemsOf(() => loadConfig({ env, argv, cwd }));
};

describe('a bad configuration fails with one line per bad key: key, value, source, what is allowed', () => {
  it('an out-of-range value in risk_limits.toml', () => {
    expect(load({ 'config/risk_limits.toml': '[risk]\nmaxPositionFraction = 5\n' })).toEqual([
      'risk.maxPositionFraction must be ≤ 1, got 5 (config/risk_limits.toml)',
    ]);
  });

  it('a wrong type from the environment, with the text the operator wrote', () => {
    expect(load({}, { BRAIN_MARKET_SCAN_INTERVAL_SECONDS: 'fast' })).toEqual([
      'market.scanIntervalSeconds must be a number, got "fast" (env BRAIN_MARKET_SCAN_INTERVAL_SECONDS)',
    ]);
  });

  it('a fractional value where an integer is required', () => {
    expect(load({}, {}, ['--set', 'risk.maxOpenPositions=2.5'])).toEqual([
      'risk.maxOpenPositions must be an integer, got 2.5 (flag --set risk.maxOpenPositions)',
    ]);
  });

  it('an unknown pair names the list of allowed pairs', () => {
    const [line] = load({}, { BRAIN_PAIRS: 'BTC/USD,FOO/USD' });
    expect(line).toMatch(/^pairs\[1\] must be one of BTC\/USD, ETH\/USD, .*DOGE\/USD, got "FOO\/USD" \(env BRAIN_PAIRS\)$/);
  });

  it('a repeated pair', () => {
    expect(load({}, {}, ['--pairs', 'BTC/USD,BTC/USD'])).toEqual(['pairs must not repeat a pair (BTC/USD twice), got ["BTC/USD","BTC/USD"] (flag --pairs)']);
  });

  it('a bad enum value from a flag', () => {
    expect(load({}, {}, ['--mode', 'yolo'])).toEqual(['mode must be one of paper, live, got "yolo" (flag --mode)']);
  });

  it('a bad retention names both allowed forms', () => {
    expect(load({ 'config/settings.toml': '[data.retention]\ncandles1dDays = "never"\n' })).toEqual([
      'data.retention.candles1dDays must be a number or "forever", got "never" (config/settings.toml)',
    ]);
  });

  it('an invalid cron schedule', () => {
    const [line] = load({ 'config/settings.toml': '[orchestrator]\nschedule = "every night"\n' });
    expect(line).toBe('orchestrator.schedule must be a cron expression of 5 or 6 fields, e.g. "0 3 * * *", got "every night" (config/settings.toml)');
  });

  it('every bad key is reported at once', () => {
    const lines = load({ 'config/risk_limits.toml': '[risk]\nmaxOpenPositions = 0\n' }, { BRAIN_LOG_LEVEL: 'loud', BRAIN_PAPER_STARTING_BALANCE_USD: '-1' });
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['paper.startingBalanceUsd', 'log.level', 'risk.maxOpenPositions']);
  });

  it('cross-key limits name the key to change', () => {
    expect(load({ 'config/risk_limits.toml': '[risk]\nreducingDrawdownFraction = 0.2\n' })).toEqual([
      'risk.reducingDrawdownFraction must be < risk.maxDrawdownFraction (0.15), got 0.2 (config/risk_limits.toml)',
    ]);
    expect(load({}, { BRAIN_ORCHESTRATOR_MONTHLY_BUDGET_USD: '1' })[0]).toMatch(
      /^orchestrator\.monthlyBudgetUsd must be ≥ orchestrator\.dailyBudgetUsd \(5\), got 1/,
    );
  });
});

describe('unknown keys are errors, with a suggestion', () => {
  it('a misspelt key in a TOML file suggests the right one', () => {
    expect(load({ 'config/risk_limits.toml': '[risk]\nmaxOpenPosition = 2\n' })).toEqual([
      'risk.maxOpenPosition is not a known key (did you mean risk.maxOpenPositions?) (config/risk_limits.toml)',
    ]);
  });

  it('an unknown table with nothing close lists the known keys', () => {
    const [line] = load({ 'config/settings.toml': '[zzz]\nq = 1\n' });
    expect(line).toMatch(/^zzz is not a known key \(known keys here: mode, pairs, market, .*\) \(config\/settings.toml\)$/);
  });

  it('an unknown BRAIN_ variable suggests the right one', () => {
    expect(load({}, { BRAIN_MODEE: 'live' })[0]).toBe(
      'BRAIN_MODEE is not a known setting (did you mean BRAIN_MODE?) (env); run `brain config --keys` for the list',
    );
  });

  it('an unknown --set key suggests the right one', () => {
    expect(load({}, {}, ['--set', 'risk.maxOpenPositons=2'])[0]).toBe(
      'risk.maxOpenPositons is not a settable key (did you mean risk.maxOpenPositions?) (flag --set)',
    );
  });

  it('risk tables in settings.toml are sent to risk_limits.toml', () => {
    expect(load({ 'config/settings.toml': '[risk]\nmaxOpenPositions = 2\n' })).toEqual([
      'risk.maxOpenPositions belongs in risk_limits.toml, not config/settings.toml',
    ]);
  });

  it('broken TOML names the file', () => {
    expect(load({ 'config/settings.toml': 'mode = \n' })[0]).toMatch(/^config\/settings.toml is not valid TOML at line 1, column 8: /);
  });

  it('an unknown flag is a config error naming the flag', () => {
    expect(load({}, {}, ['--moed', 'live'])[0]).toMatch(/--moed.*\(flags\)$/);
  });
});

describe('issue 12: a TOML syntax error', () => {
  it('names the file, the line and the column, and never quotes the line', () => {
    const lines = load({ 'config/settings.toml': 'mode = "paper"\n\n[market]\ntimeframe = = "5m"  # sk-secret-looking-value\n' });
    expect(lines).toEqual([
      'config/settings.toml is not valid TOML at line 4, column 13: Invalid TOML document: invalid value; fix that line (smol-toml parses TOML 1.0)',
    ]);
  });
});

describe('secrets come only from the environment or .env (inv. 7)', () => {
  const secret = 'sk-ant-supersecret-value';

  it('inv. 7: a secret in a TOML file is an error naming the key, never the value', () => {
    const lines = load({ 'config/settings.toml': `[telegram]\nbotToken = "${secret}"\n[kraken]\napi_secret = "${secret}"\n` });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^telegram\.botToken looks like a secret: secrets come only from the environment or \.env/);
    expect(lines[1]).toMatch(/^kraken\.api_secret looks like a secret/);
    expect(lines.join('\n')).not.toContain(secret);
  });

  it('inv. 7: a [secrets] table in TOML is refused too', () => {
    expect(load({ 'config/settings.toml': `[secrets]\nanthropicApiKey = "${secret}"\n` })[0]).toMatch(/^secrets\.anthropicApiKey looks like a secret/);
  });

  it('inv. 7: secrets cannot be set with --set', () => {
    expect(load({}, {}, ['--set', `secrets.krakenApiKey=${secret}`])[0]).toMatch(/secrets come only from the environment or \.env/);
  });

  it('an invalid secret is reported without its value', () => {
    const lines = load({}, { KRAKEN_API_SECRET: 'not base64 at all!' });
    expect(lines).toEqual(['secrets.krakenApiSecret must be base64, as Kraken shows it, got [hidden] (env KRAKEN_API_SECRET)']);
  });

  it('live mode without Kraken keys is an error that says how to fix it', () => {
    expect(load({}, { KRAKEN_API_KEY: 'only-the-key' }, ['--mode', 'live'])).toEqual([
      'mode needs KRAKEN_API_KEY and KRAKEN_API_SECRET in the environment or .env; set both or use --mode paper, got "live" (flag --mode)',
    ]);
  });

  it('a malformed .env line is reported by number only', () => {
    expect(load({ '.env': `KRAKEN_API_KEY=ok\nthis line is ${secret}\n` })).toEqual(['.env line 2 is not KEY=VALUE']);
  });

  it('an explicitly named env file or config dir that is missing is an error', () => {
    expect(load({}, { BRAIN_ENV_FILE: 'nope.env' }, ['--config-dir', 'nodir'])).toEqual([
      'config directory nodir does not exist',
      'env file nope.env does not exist',
    ]);
  });
});

describe('webhook mode (telegram.updates = "webhook")', () => {
  const SECRET = 'abcdefghijklmnop-0123456789';

  it('needs an https:// URL: plain http is refused with what to write instead', () => {
    expect(
      load({ 'config/settings.toml': '[telegram]\nupdates = "webhook"\nwebhookUrl = "http://bot.example.com/tg"\n' }, { TELEGRAM_WEBHOOK_SECRET: SECRET }),
    ).toEqual([
      'telegram.webhookUrl must be an https:// URL (Telegram delivers webhooks only over TLS), e.g. "https://bot.example.com/telegram", got "http://bot.example.com/tg" (config/settings.toml)',
    ]);
  });

  it('needs the URL and TELEGRAM_WEBHOOK_SECRET, each named with how to fix it', () => {
    const lines = load({}, { BRAIN_TELEGRAM_UPDATES: 'webhook' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^telegram\.webhookUrl must be set when telegram\.updates = "webhook"/);
    expect(lines[1]).toMatch(/^telegram\.updates is "webhook", which needs TELEGRAM_WEBHOOK_SECRET/);
  });

  it('takes the secret from the environment only, and reports a malformed one without its value', () => {
    expect(load({ 'config/settings.toml': `[telegram]\nwebhookSecret = "${SECRET}"\n` })[0]).toMatch(/^telegram\.webhookSecret looks like a secret/);
    expect(load({}, { TELEGRAM_WEBHOOK_SECRET: 'short!' })).toEqual([
      'secrets.telegramWebhookSecret must be 16..256 characters of A-Z, a-z, 0-9, _ and - (e.g. `openssl rand -hex 32`), got [hidden] (env TELEGRAM_WEBHOOK_SECRET)',
    ]);
    const ok = loadConfig({
      env: { TELEGRAM_WEBHOOK_SECRET: SECRET, BRAIN_TELEGRAM_UPDATES: 'webhook', BRAIN_TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/tg' },
      cwd: workDir({}),
    });
    expect(ok.secrets.telegramWebhookSecret).toBe(SECRET);
  });
});

/**
 * A stand-in for the evolution pipeline's submitCandidate in tests: it really runs the static gates
 * (src/sandbox/gates), so gate and type-check refusals go back to the generator for real; a candidate
 * it has seen is a duplicate; what passes is scheduled for a paper test (strategy) or accepted from the
 * next UTC day (statistics). A test can script the screen stage (e.g. the look-ahead check) by content.
 */
import { contentHash as pipelineHash } from '../../src/evolution/content.ts';
import { DAY_MS, utcDayStart } from '../../src/clock/time.ts';
import { formatIssue, Gates } from '../../src/sandbox/gates/index.ts';
import type { CandidateSubmission, SubmissionOutcome } from '../../src/orchestrator/pipeline-port.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';

let sharedGates: Gates | null = null;
/** One Gates (and its warm type checker) for every test file that submits. */
export function gates(): Gates {
  return (sharedGates ??= new Gates(PROJECT_ROOT));
}

export interface FakePipeline {
  submissions: CandidateSubmission[];
  submit(s: CandidateSubmission): Promise<SubmissionOutcome>;
}

export function fakePipeline(o: { now: () => number; screen?: (source: string) => { failedGate: string; reason: string } | null }): FakePipeline {
  const seen = new Map<string, { stage: string; reason: string | null; ledgerId: number }>();
  const submissions: CandidateSubmission[] = [];
  let ledgerId = 0;
  return {
    submissions,
    async submit(s) {
      submissions.push(s);
      const contentHash = pipelineHash(s.kind, s.name, s.source);
      const earlier = seen.get(contentHash);
      if (earlier) return { status: 'duplicate', contentHash, earlier };
      ledgerId += 1;
      const r = await gates().run({
        kind: s.kind,
        source: s.source,
        virtualPath: s.kind === 'strategy' ? 'strategy/active/strategy.ts' : `statistics/active/${s.name}.ts`,
      });
      if (!r.ok) {
        const reason = r.issues.slice(0, 5).map(formatIssue).join('\n');
        seen.set(contentHash, { stage: 'static', reason, ledgerId });
        return { status: 'refused', contentHash, stage: 'static', failedGate: r.issues[0]!.gate, reason, ledgerId };
      }
      const screened = o.screen?.(s.source);
      if (screened) {
        seen.set(contentHash, { stage: 'screen', reason: screened.reason, ledgerId });
        return { status: 'refused', contentHash, stage: 'screen', ...screened, ledgerId };
      }
      const versionId = `sha256:${r.bundleSha256.slice(0, 16)}`;
      if (s.kind === 'statistics') {
        seen.set(contentHash, { stage: 'accepted', reason: null, ledgerId });
        return { status: 'accepted', contentHash, versionId, ledgerId, effectiveFrom: utcDayStart(o.now()) + DAY_MS };
      }
      seen.set(contentHash, { stage: 'paperTest', reason: null, ledgerId });
      return { status: 'paperTest', contentHash, versionId, paperTestId: `pt-${ledgerId}`, ledgerId };
    },
  };
}

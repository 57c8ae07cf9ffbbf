import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ObservedResource } from '../../../src/model/gce.ts';
import type { TranslateInput, TranslateOptions } from '../../../src/model/translate.ts';
import { plan } from '../../../src/plan/plan.ts';
import { translate } from '../../../src/translate/translate.ts';
import { echo } from './gce-echo.ts';

interface Fixture extends Partial<TranslateInput> {
  readonly options: TranslateOptions;
  readonly members?: TranslateInput['memberFacts'];
}

const dir = fileURLToPath(new URL('../../fixtures/translate/', import.meta.url));

/** Every valid translate fixture, planned against GCE's echo of itself: a fixed point. */
describe('plan: every golden translate fixture', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('error-'));
  for (const file of files.sort()) {
    it(`${file}: creates all from nothing, then stays unchanged once applied`, () => {
      const fixture = parse(readFileSync(dir + file, 'utf8'), { merge: true }) as Fixture;
      const result = translate(
        {
          ingress: fixture.ingress ?? {},
          clusters: fixture.clusters ?? [],
          memberFacts: fixture.members ?? {},
          secrets: fixture.secrets ?? {},
        },
        fixture.options,
      );
      expect(result.errors).to.deep.equal([]);
      const metadata = fixture.ingress!.metadata!;
      const options = {
        instanceId: fixture.options.instanceId,
        ingress: { namespace: metadata.namespace!, name: metadata.name! },
      };

      const fresh = plan([], result.desired, options);
      for (const step of fresh.steps) {
        const external =
          result.desired.find((d) => d.kind === step.kind && d.name === step.name)!.external === true;
        expect(step.op).to.equal(external ? 'nothing' : 'create');
      }
      expect(fresh.problems.every((p) => p.code === 'ExternalMissing')).to.equal(true);

      const observed: ObservedResource[] = result.desired.map((d) => echo(d, { ip: '34.1.2.3' }));
      const again = plan(observed, result.desired, options);
      expect(again.problems).to.deep.equal([]);
      expect(again.steps.filter((s) => s.op !== 'nothing')).to.deep.equal([]);
    });
  }
});

import { expect } from 'chai';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { TranslateInput, TranslateOptions, TranslateResult } from '../../../src/model/translate.ts';
import { redactSecrets } from '../../../src/model/secret-value.ts';
import { isValidGceName } from '../../../src/naming/gce-names.ts';
import { parseOwnership } from '../../../src/naming/ownership.ts';
import { translate } from '../../../src/translate/translate.ts';
import { stableStringify } from '../../../src/util/stable-json.ts';

/**
 * Golden tests: each test/fixtures/translate/<case>.yaml holds a translate input (options,
 * ingress, clusters, members, secrets) and the codes it must produce (`expect`); the whole result
 * is compared with <case>.golden.json. After a deliberate change, regenerate with
 *   UPDATE_GOLDEN=1 npx mocha test/unit/translate/golden.test.ts
 * and review the diff before committing.
 */

interface Fixture extends Partial<TranslateInput> {
  readonly options: TranslateOptions;
  readonly members?: TranslateInput['memberFacts'];
  readonly expect: { errors?: string[]; clusterProblems?: string[]; warnings?: string[] };
}

const dir = fileURLToPath(new URL('../../fixtures/translate/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';
// Content of the fake private keys in the fixtures: must never show in any output.
const KEY_MARKERS = ['RkFLRSBLRVkgT05FIFNFQ1JFVA==', 'RkFLRSBLRVkgVFdPIFNFQ1JFVA=='];

function loadFixture(file: string): Fixture {
  return parse(readFileSync(dir + file, 'utf8'), { merge: true }) as Fixture;
}

function run(fixture: Fixture): TranslateResult {
  return translate(
    {
      ingress: fixture.ingress ?? {},
      clusters: fixture.clusters ?? [],
      memberFacts: fixture.members ?? {},
      secrets: fixture.secrets ?? {},
    },
    fixture.options,
  );
}

/** The golden form: JSON, errors as {code, message, clusters}, secrets redacted. */
function toGolden(result: TranslateResult): string {
  const errors = result.errors.map((e) => ({ code: e.code, message: e.message, clusters: e.clusters }));
  return `${stableStringify(redactSecrets({ ...result, errors }), 2)}\n`;
}

const sortedCodes = (items: readonly { code: string }[]) => items.map((i) => i.code).sort();

describe('translate: golden fixtures', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

  it('has fixtures', () => {
    expect(files.length).to.be.greaterThan(15);
  });

  for (const file of files) {
    describe(file, () => {
      const fixture = loadFixture(file);
      const result = run(fixture);
      const actual = toGolden(result);
      const goldenPath = dir + file.replace(/\.yaml$/, '.golden.json');

      it('matches its golden file', () => {
        if (update) writeFileSync(goldenPath, actual);
        expect(actual).to.equal(readFileSync(goldenPath, 'utf8'));
      });

      it('produces the expected error, problem and warning codes', () => {
        expect(sortedCodes(result.errors)).to.deep.equal([...(fixture.expect.errors ?? [])].sort());
        if (fixture.expect.clusterProblems !== undefined) {
          expect(sortedCodes(result.clusterProblems)).to.deep.equal(
            [...fixture.expect.clusterProblems].sort(),
          );
        }
        if (fixture.expect.warnings !== undefined) {
          expect(sortedCodes(result.warnings)).to.deep.equal([...fixture.expect.warnings].sort());
        }
        if (result.errors.length > 0) expect(result.desired).to.deep.equal([]);
        else expect(result.desired).to.not.deep.equal([]);
      });

      it('never lets a private key out, and every error is a TranslateError with a message', () => {
        const printed = [
          JSON.stringify(result),
          actual,
          ...result.errors.map((e) => `${e.message} ${String(e.cause ?? '')}`),
        ];
        for (const text of printed) for (const marker of KEY_MARKERS) expect(text).to.not.include(marker);
        for (const error of result.errors) {
          expect(error).to.be.instanceOf(Error);
          expect(error.message).to.not.equal('');
        }
      });

      it('names every resource validly and marks every owned one as ours', () => {
        for (const resource of result.desired) {
          expect(isValidGceName(resource.name), resource.name).to.equal(true);
          expect(resource.body.name).to.equal(resource.name);
          if (resource.external === true) continue;
          expect(parseOwnership(resource.body.description)).to.deep.equal({
            instanceId: fixture.options.instanceId,
            namespace: fixture.ingress?.metadata?.namespace,
            name: fixture.ingress?.metadata?.name,
          });
        }
      });

      it('lists only dependencies that are in the graph', () => {
        const present = new Set(result.desired.map((r) => `${r.kind}/${r.name}`));
        for (const resource of result.desired) {
          for (const dep of resource.dependsOn)
            expect(present.has(`${dep.kind}/${dep.name}`), `${dep.kind}/${dep.name}`).to.equal(true);
        }
      });

      it('is deterministic', () => {
        expect(toGolden(run(loadFixture(file)))).to.equal(actual);
      });
    });
  }
});

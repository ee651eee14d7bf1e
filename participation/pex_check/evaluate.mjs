// Reads {"definition": ..., "credentials": [...]} on stdin and prints the
// Sphereon PEX evaluation: which input descriptors each credential satisfies.
import { PEX } from "@sphereon/pex";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { definition, credentials } = JSON.parse(input);
const pex = new PEX();
const errors = PEX.validateDefinition(definition)
  .filter((check) => check.status === "error")
  .map((check) => check.message);
const result = pex.evaluateCredentials(definition, credentials);
process.stdout.write(
  JSON.stringify({
    definitionErrors: errors,
    areRequiredCredentialsPresent: result.areRequiredCredentialsPresent,
    matches: (result.value?.descriptor_map ?? []).map((m) => m.id),
    errors: (result.errors ?? []).map((e) => e.message ?? String(e)),
  }),
);

// Imported before "arktype" by every module that uses it, so that it applies to every schema.
//
// By default arktype compiles each validator into a function (`new Function`) as its type is defined:
// about 0.1-0.3 s of CPU at every start, in every process and every `--workers` thread. A config is
// validated once per run, where interpreting the schema is as fast as it needs to be.
import { configure } from "arktype/config";

configure({ jitless: true });

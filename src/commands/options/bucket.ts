import { value } from "./spec.js";

/** --bucket NAME: the bucket a command works on; each command says what it is for. */
export const bucket = value("--bucket", "name", "the bucket");

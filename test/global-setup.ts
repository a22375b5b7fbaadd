import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startMoto } from "../scripts/servers.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

/** One moto server for the run; test files use their own bucket and user names. */
export default async function setup(project: TestProject) {
  const moto = await startMoto();
  project.provide("motoEndpoint", moto.endpoint);
  return async () => {
    await moto.stop();
  };
}

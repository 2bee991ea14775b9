import { describe, expect, it } from "vitest";
import { UnknownModuleError } from "../workshop/manifest.ts";
import { chooseWorkflow, finishedWorkflowModule } from "./workflow-entry.ts";

describe("which handler the app deploys", () => {
  it("deploys the finished workflow by default: the last handler module's solution", () => {
    expect(finishedWorkflowModule().number).toBe("08");
    const choice = chooseWorkflow();
    expect(choice.source).toBe("solution");
    expect(choice.entry).toMatch(/solutions[\\/]08-timeouts[\\/]handler\.ts$/);
    expect(choice.label).toBe("solutions/08-timeouts/handler.ts (solution)");
  });

  it("deploys the learner's handler of the module asked for, or its solution", () => {
    for (const given of ["1", "01", "first-step", "01-first-step", " First-Step "]) {
      expect(chooseWorkflow(given).label, given).toBe("modules/01-first-step/handler.ts (your code)");
    }
    expect(chooseWorkflow("8", { solution: true }).label).toBe("solutions/08-timeouts/handler.ts (solution)");
  });

  it("deploys the finished workflow for the modules without a handler", () => {
    expect(chooseWorkflow("9").label).toBe("solutions/08-timeouts/handler.ts (solution)");
    expect(chooseWorkflow("operate").label).toBe("solutions/08-timeouts/handler.ts (solution)");
  });

  it("names the valid modules when the module is unknown", () => {
    expect(() => chooseWorkflow("11")).toThrow(UnknownModuleError);
    expect(() => chooseWorkflow("fraud")).toThrow(/Valid modules: 1, 01 or first-step/);
  });
});

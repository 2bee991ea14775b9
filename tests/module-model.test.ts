/**
 * The module model (workshop/manifest.ts) decides which workflow a command runs or deploys;
 * `npm start`, the local endpoint, the CDK app and `npm run test:cloud` all ask it.
 */
import { describe, expect, it } from "vitest";
import {
  chooseDeployableWorkflow,
  chooseWorkflow,
  finishedModule,
  NotDeployableError,
  UnknownModuleError,
  workflowModule,
  findModule,
} from "../workshop/manifest.ts";

describe("which workflow runs for a module", () => {
  it("is the finished workflow by default: the solution of the last module whose workflow is the fraud check", () => {
    expect(finishedModule.number).toBe("08");
    const workflow = chooseWorkflow();
    expect(workflow.source).toBe("solution");
    expect(workflow.path).toMatch(/solutions[\\/]08-timeouts[\\/]handler\.ts$/);
    expect(workflow.described).toBe("solutions/08-timeouts/handler.ts (solution)");
  });

  it("is the learner's code of the module asked for, or its solution", () => {
    for (const given of ["1", "01", "first-step", "01-first-step", " First-Step "]) {
      expect(chooseWorkflow(given).described, given).toBe("modules/01-first-step/handler.ts (your code)");
    }
    expect(chooseWorkflow("8", { solution: true }).label).toBe("solutions/08-timeouts/handler.ts");
  });

  it("is the finished workflow for the modules that write none (deploy, operate)", () => {
    expect(chooseWorkflow("9").described).toBe("solutions/08-timeouts/handler.ts (solution)");
    expect(chooseWorkflow("operate").label).toBe("solutions/08-timeouts/handler.ts");
    expect(workflowModule(findModule("10")).number).toBe("08");
    expect(workflowModule(findModule("06")).number).toBe("06");
  });

  it("names the valid modules when the module is unknown", () => {
    expect(() => chooseWorkflow("99")).toThrow(UnknownModuleError);
    expect(() => chooseWorkflow("fraud")).toThrow(/Valid modules: 1, 01 or first-step/);
  });

  it("is a module's own workflow beside the fraud check for the optional modules, which only run locally", () => {
    const review = chooseWorkflow("11");
    expect(review.kind).toBe("batch-review");
    expect(review.described).toBe("modules/11-batch-review/handler.ts (your code)");
    expect(chooseWorkflow("8").kind).toBe("fraud-check");
    expect(chooseWorkflow("polling").kind).toBe("dispute-follow-up");
    expect(chooseWorkflow("13", { solution: true }).functions).toEqual([
      {
        name: "durable-risk-scorer:live",
        path: expect.stringMatching(/solutions[\\/]13-composing[\\/]scorer\.ts$/),
        label: "solutions/13-composing/scorer.ts",
      },
    ]);
    expect(chooseDeployableWorkflow("13").kind, "module 13's two functions deploy").toBe("fraud-check-with-scorer");
    expect(workflowModule(findModule("11")).number).toBe("11");
    expect(() => chooseDeployableWorkflow("11")).toThrow(NotDeployableError);
    expect(() => chooseDeployableWorkflow("11")).toThrow(/npm start -- --module 11/);
    expect(chooseDeployableWorkflow("10").label).toBe("solutions/08-timeouts/handler.ts");
  });
});

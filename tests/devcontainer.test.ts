/**
 * The dev container (.devcontainer/devcontainer.json, for VS Code and GitHub Codespaces)
 * installs what `npm run doctor` asks for, so a learner who opens it has nothing left to set up.
 * (It is not checked against the Dev Containers JSON schema: that schema is not on the npm
 * registry, and the tests run offline.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { nodeFinding } from "../workshop/cli/doctor.ts";
import { chromiumPath } from "../workshop/docs-site/browser.ts";
import { repoRoot } from "../workshop/manifest.ts";

interface DevContainer {
  image?: string;
  features?: Record<string, unknown>;
  postCreateCommand?: string;
  customizations?: { vscode?: { extensions?: string[] } };
}

const container = JSON.parse(readFileSync(join(repoRoot, ".devcontainer", "devcontainer.json"), "utf8")) as DevContainer;

describe("the dev container", () => {
  it("starts from the Dev Containers Node.js image (with git) at a Node.js the doctor takes", () => {
    const tag = /^mcr\.microsoft\.com\/devcontainers\/javascript-node:(\d+)(-[a-z]+)?$/.exec(container.image ?? "");
    expect(tag, `image ${container.image}`).not.toBeNull();
    expect(nodeFinding(`${tag![1]}.0.0`).state, "npm run doctor's Node.js check").toBe("ok");
  });

  it("installs AWS CLI v2 with the Dev Containers feature", () => {
    expect(Object.keys(container.features ?? {})).toContain("ghcr.io/devcontainers/features/aws-cli:1");
  });

  it("installs Chromium where the docs check looks for it, then the locked dependencies", () => {
    vi.stubEnv("CHROMIUM_PATH", undefined);
    try {
      expect(chromiumPath()).toBe("/usr/bin/chromium");
    } finally {
      vi.unstubAllEnvs();
    }
    const steps = (container.postCreateCommand ?? "").split("&&").map((step) => step.trim());
    expect(
      steps.some((step) => /apt-get install .*\bchromium\b/.test(step)),
      "Debian's chromium package puts it in /usr/bin",
    ).toBe(true);
    expect(steps.at(-1), "npm ci last, as npm run doctor's dependencies check wants").toBe("npm ci");
  });

  it("recommends the editor extensions for the workshop's tools: vitest, Biome and markdownlint", () => {
    expect(container.customizations?.vscode?.extensions).toEqual(
      expect.arrayContaining(["vitest.explorer", "biomejs.biome", "DavidAnson.vscode-markdownlint"]),
    );
  });
});

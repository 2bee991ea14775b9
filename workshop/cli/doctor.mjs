// `npm run doctor` starts in JavaScript: a Node.js that cannot run the workshop's TypeScript
// must still be told what to do, not fail with ERR_UNKNOWN_FILE_EXTENSION. The checks
// themselves are in doctor.ts.
if (!process.features.typescript) {
  process.stderr.write(
    `✗ Node.js ${process.version} cannot run this workshop, which is written in TypeScript.\n` +
      "  Install Node.js 24 (22.18 at least): nvm install 24 (https://github.com/nvm-sh/nvm), or https://nodejs.org/en/download\n" +
      "  Then run npm ci and npm run doctor again.\n",
  );
  process.exitCode = 1;
} else {
  const { doctorMain } = await import("./doctor.ts");
  process.exitCode = await doctorMain(process.argv.slice(2));
}

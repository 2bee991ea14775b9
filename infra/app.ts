/**
 * The CDK app (`cdk.json` runs it). Use `npm run synth|deploy|destroy -- --module NN`, or
 * `npx cdk synth -c module=NN`; see infra/fraud-app.ts for the context keys.
 */
import { createFraudApp } from "./fraud-app.ts";

const { app } = await createFraudApp();
app.synth();

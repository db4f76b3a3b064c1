// Against a running Cms (the integration suite starts one with the demo data and sets CMS_API_URL):
// sign in as a demo operator, identify a demo card, activate it and confirm.
import { test } from "node:test";
import assert from "node:assert/strict";
import { signIn, type Problem } from "../src/index.js";

const baseUrl = process.env.CMS_API_URL ?? "http://127.0.0.1:5080";
const operator = process.env.CMS_OPERATOR_CF ?? "BNCMRA75C12D612R";
const password = process.env.CMS_OPERATOR_PASSWORD ?? "Demo-Cms-2026!";
const cardNumber = process.env.CMS_CARD_NUMBER ?? "80380000900000000001";

test("a front-end signs in, identifies a demo card and activates it", async () => {
  const { client } = await signIn(baseUrl, operator, password);

  const identified = await client.POST("/api/v1/cards/identify", { body: { cardNumber } });
  assert.equal(identified.response.status, 200, JSON.stringify(identified.error));
  assert.equal(identified.data?.state, "NOT_ACTIVE");
  assert.ok(identified.data?.allowedOperations.includes("ACTIVATION"));

  const email = `ts-client.${Date.now()}@example.it`;
  const created = await client.POST("/api/v1/activations", {
    body: {
      cardNumber,
      mode: "DIRECT",
      privacyConsent: true,
      document: { type: "CARTA_IDENTITA", number: "CA1234567", issuedBy: "Comune di Firenze", issueDate: "2022-01-10", expiryDate: "2032-01-09" },
      delivery: { channel: "EMAIL", email, emailConfirmation: email },
    },
  });
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
  assert.equal(created.data?.status, "PENDING");

  // Sign before confirm: the request form is printed (its PDF), signed, and the confirm says so.
  const unsigned = await client.POST("/api/v1/activations/{id}/confirm", { params: { path: { id: created.data!.id } } });
  assert.equal(unsigned.response.status, 409);
  assert.equal((unsigned.error as Problem | undefined)?.type, "urn:cms:problem:form-not-printed");
  const form = await client.GET("/api/v1/activations/{id}/documents/{name}", {
    params: { path: { id: created.data!.id, name: "modulo-richiesta-codici" } },
    parseAs: "arrayBuffer",
  });
  assert.equal(form.response.status, 200);
  assert.equal(form.response.headers.get("content-type"), "application/pdf");
  const confirmed = await client.POST("/api/v1/activations/{id}/confirm", {
    params: { path: { id: created.data!.id } },
    body: { formPrintedAndSigned: true },
  });
  assert.equal(confirmed.response.status, 200, JSON.stringify(confirmed.error));
  assert.equal(confirmed.data?.cardState, "ACTIVE");
  assert.match(confirmed.data!.firstHalves.pin, /^[0-9]+$/);

  // A problem comes back typed, with its stable type.
  const again = await client.POST("/api/v1/activations/{id}/confirm", { params: { path: { id: created.data!.id } } });
  assert.equal(again.response.status, 409);
  assert.equal((again.error as Problem | undefined)?.type, "urn:cms:problem:request-not-pending");
});

import { ref } from './ref.js';

/**
 * Answers of the bulk requests that create or change many terminals, each row succeeding or failing
 * on its own: how many were created and rejected, and one result per row in order. The CSV import
 * (POST /api/v1/terminals/import), the JSON batch (POST /api/v1/terminals/bulk) and the registration
 * import (POST /api/v1/registrations/import) answer the same envelope; their rows differ in where
 * the row was (CSV line or array index) and in the statuses a row reaches.
 */
function bulkResult<Id extends string, Item>($id: Id, items: Item, resultsDescription?: string) {
  return {
    $id,
    type: 'object',
    required: ['created', 'rejected', 'results'],
    properties: {
      created: { type: 'integer' },
      rejected: { type: 'integer' },
      results: { type: 'array', ...(resultsDescription ? { description: resultsDescription } : {}), items },
    },
  } as const;
}

/** One terminal of a bulk creation: created (with its id) or rejected (with the error's code and message). */
function terminalRow<At extends string>(at: At) {
  return {
    type: 'object',
    required: [at, 'status'],
    properties: {
      [at]: { type: 'integer' },
      devEui: { type: 'string' },
      id: { type: 'string' },
      status: { type: 'string', enum: ['created', 'rejected'] },
      code: { type: 'string' },
      message: { type: 'string' },
    },
  } as const;
}

/** The CSV terminal import's answer: rows by CSV line (the header is line 1). */
export const terminalImportResultSchema = bulkResult('TerminalImportResult', terminalRow('line'));

/** The JSON terminal bulk request's answer: rows by their index in the request's array. */
export const terminalBulkResultSchema = bulkResult(
  'TerminalBulkResult',
  terminalRow('index'),
  'one per terminal, in order',
);

/**
 * One terminal of a bulk registration request (the CSV import, by line) or review (by DevEUI): its
 * registration status when it succeeded, or `rejected`/`failed` with the error's code and message.
 */
export const registrationRowResultSchema = {
  $id: 'RegistrationRowResult',
  type: 'object',
  required: ['status'],
  properties: {
    line: { type: 'integer' },
    devEui: { type: 'string' },
    status: { type: 'string' },
    code: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

/** The registration CSV import's answer. */
export const registrationImportResultSchema = bulkResult('RegistrationImportResult', ref(registrationRowResultSchema));

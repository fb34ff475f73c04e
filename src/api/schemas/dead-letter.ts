/** An event a durable consumer gave up on (src/api/routes/dead-letter-routes.ts). */
export const deadLetterSchema = {
  $id: 'DeadLetter',
  type: 'object',
  required: ['id', 'consumer', 'subject', 'eventId', 'attempts', 'error', 'failedAt', 'state', 'replays'],
  properties: {
    id: { type: 'string' },
    consumer: { type: 'string', description: 'the durable consumer that gave up' },
    subject: { type: 'string' },
    eventId: { type: ['string', 'null'] },
    attempts: { type: 'integer' },
    error: { type: 'string', description: 'the last failure' },
    failedAt: { type: 'string' },
    state: { type: 'string', enum: ['open', 'resolved'] },
    replays: { type: 'integer' },
    replayedAt: { type: ['string', 'null'] },
    lastReplayError: { type: ['string', 'null'] },
    resolvedAt: { type: ['string', 'null'] },
    event: {
      description:
        'the event as published (JSON), when asked for one dead letter; for a key that may not see payloads ' +
        'only its identifying fields',
    },
    eventRedacted: {
      type: 'boolean',
      description: 'true when `event` holds only identifying fields (a regulator key without payload access)',
    },
  },
} as const;

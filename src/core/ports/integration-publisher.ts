/** A tenant's MQTT broker as the forwarder reaches it (the password opened from its sealed form). */
export interface BrokerTarget {
  /** mqtt://, mqtts://, ws:// or wss:// URL. */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

/**
 * The port the MQTT forwarder publishes through, to brokers that tenants run (mqtt.js in production).
 * `publish` resolves once the broker acknowledged the message at QoS 1 (PUBACK) and rejects when that
 * has not happened within `timeoutMs` — broker unreachable, credentials refused, or no PUBACK.
 * Adapters keep one connection per broker and reuse it across publishes.
 */
export interface IntegrationPublisher {
  publish(broker: BrokerTarget, topic: string, payload: Uint8Array, timeoutMs: number): Promise<void>;
  /** Ends every broker connection. */
  close(): Promise<void>;
}

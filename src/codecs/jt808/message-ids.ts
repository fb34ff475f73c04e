/** Message ids this codec decodes (terminal → platform unless noted), and the `type` each decodes to. */
export const MESSAGE_IDS = {
  terminalReply: 0x0001,
  heartbeat: 0x0002,
  logout: 0x0003,
  registration: 0x0100,
  authentication: 0x0102,
  location: 0x0200,
  platformReply: 0x8001, // platform → terminal
  registrationReply: 0x8100, // platform → terminal
} as const;

export type Jt808MessageType =
  | 'terminal-reply'
  | 'heartbeat'
  | 'logout'
  | 'registration'
  | 'authentication'
  | 'location'
  | 'platform-reply'
  | 'registration-reply'
  /** One packet of a split message (body property bit 13) with more than one packet: body kept raw. */
  | 'fragment';

export const MESSAGE_TYPES: ReadonlyMap<number, Jt808MessageType> = new Map([
  [MESSAGE_IDS.terminalReply, 'terminal-reply'],
  [MESSAGE_IDS.heartbeat, 'heartbeat'],
  [MESSAGE_IDS.logout, 'logout'],
  [MESSAGE_IDS.registration, 'registration'],
  [MESSAGE_IDS.authentication, 'authentication'],
  [MESSAGE_IDS.location, 'location'],
  [MESSAGE_IDS.platformReply, 'platform-reply'],
  [MESSAGE_IDS.registrationReply, 'registration-reply'],
]);

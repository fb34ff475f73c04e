/**
 * A satellite's store-and-forward buffer of frame copies (ids), at most `capacity`. Emergencies
 * are kept first and dumped first. When full, the oldest normal frame on board is dropped to make
 * room (fresher data is worth more); only when every frame on board is an emergency is an arriving
 * normal frame refused, and an arriving emergency then evicts the oldest emergency. Dumps are FIFO
 * within each class.
 */
export class SatelliteBuffer {
  private readonly emergency: number[] = [];
  private readonly normal: number[] = [];
  private eHead = 0;
  private nHead = 0;
  /** Most frames held at once. */
  peak = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.emergency.length - this.eHead + this.normal.length - this.nHead;
  }

  /** Stores `id`; returns the id dropped to make room (maybe `id` itself), or -1. */
  push(id: number, isEmergency: boolean): number {
    let dropped = -1;
    if (this.size >= this.capacity) {
      if (this.normal.length > this.nHead) dropped = this.normal[this.nHead++]!;
      else if (!isEmergency) return id;
      else dropped = this.emergency[this.eHead++]!;
    }
    (isEmergency ? this.emergency : this.normal).push(id);
    this.compact();
    if (this.size > this.peak) this.peak = this.size;
    return dropped;
  }

  /** The next frame to dump (emergencies first), or -1 when empty. */
  shift(): number {
    if (this.emergency.length > this.eHead) {
      const id = this.emergency[this.eHead++]!;
      this.compact();
      return id;
    }
    if (this.normal.length > this.nHead) {
      const id = this.normal[this.nHead++]!;
      this.compact();
      return id;
    }
    return -1;
  }

  // Queues as arrays with a moving head; trimmed when the dead prefix dominates (amortised O(1)).
  private compact(): void {
    if (this.eHead > 1024 && this.eHead * 2 > this.emergency.length) {
      this.emergency.splice(0, this.eHead);
      this.eHead = 0;
    }
    if (this.nHead > 1024 && this.nHead * 2 > this.normal.length) {
      this.normal.splice(0, this.nHead);
      this.nHead = 0;
    }
  }
}

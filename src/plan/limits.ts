/** Beyond this many hours a plan is refused (the element sets are stale long before). */
export const MAX_PLAN_HOURS = 24 * 31;

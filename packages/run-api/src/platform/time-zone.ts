/**
 * For schedules and the end-user token's `tz` claim: an IANA time zone name as Intl knows it (`Europe/Berlin`, `UTC`), in its canonical spelling
 * (`europe/berlin` comes back as `Europe/Berlin`; an alias stays as sent), or null when Intl does not know it.
 */
export function checkTimeZone(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return null;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    // Only the spelling: ICU maps some aliases to another zone (`CET` to `Europe/Brussels`).
    return resolved.toLowerCase() === value.toLowerCase() ? resolved : value;
  } catch {
    return null;
  }
}

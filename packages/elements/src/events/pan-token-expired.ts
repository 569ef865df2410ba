export interface PanTokenExpiredDetail {
  /**
   * - `no-provider`: the token expired and no `tokenProvider` is set;
   * - `provider-failed`: `tokenProvider` threw or rejected;
   * - `still-expired`: the token from `tokenProvider` was refused as expired too.
   */
  reason: 'no-provider' | 'provider-failed' | 'still-expired';
}

/** The API refused the token as expired and it could not be renewed. Set a new `token` to reload. */
export type PanTokenExpiredEvent = CustomEvent<PanTokenExpiredDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-token-expired': PanTokenExpiredEvent;
  }
}

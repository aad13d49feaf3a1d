// The SDK ships no types; like most such SDKs its client is effectively untyped.
export declare const customClient: {
  // biome-ignore lint/suspicious/noExplicitAny: models an untyped third-party client
  connect(url: string): any
  serve(url: string, map: Map<string, string>): void
}

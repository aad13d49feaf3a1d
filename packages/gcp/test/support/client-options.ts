/**
 * Options that point a real `SecretManagerServiceClient` at a plaintext gRPC server on 127.0.0.1.
 */
import { type ClientOptions, GoogleAuth, googleAuthLibrary, grpc } from 'google-gax'

export const LOOPBACK = '127.0.0.1'

/**
 * `auth` is always set: without it the client looks for Application Default Credentials and, finding
 * none, probes the GCE metadata server (169.254.169.254). The pass-through client adds no
 * Authorization header, so nothing leaves 127.0.0.1.
 */
export function loopbackClientOptions(port: number): ClientOptions {
  return {
    apiEndpoint: LOOPBACK,
    port,
    sslCreds: grpc.credentials.createInsecure(),
    auth: new GoogleAuth({ authClient: new googleAuthLibrary.PassThroughClient() }),
  }
}

/**
 * A throwaway self-signed certificate for loopback test servers (`localhost`, `127.0.0.1`, `::1`), valid
 * until 2126. Its private key is public: it protects nothing and must never serve anything but tests.
 * Clients trust it by taking `TEST_CERTIFICATE.cert` as their CA.
 */
export const TEST_CERTIFICATE = Object.freeze({
  cert: `-----BEGIN CERTIFICATE-----
MIIBrTCCAVSgAwIBAgIUFEegDZJQ/s7/d6HgSuGQmoH0eGswCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMTE5MzYyNloYDzIxMjYxMTA3
MTkzNjI2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATSFoRiUyAPExoxMuEHddWCjif5baTcOrAZtjNvftOXaIA2GxgbAKP6
tpnnBkkljKYJvtP2tx8uFlI30oDE/1xPo4GBMH8wHQYDVR0OBBYEFGAnVAbQf9+T
Qepu/MSFO9mWrOq0MB8GA1UdIwQYMBaAFGAnVAbQf9+TQepu/MSFO9mWrOq0MA8G
A1UdEwEB/wQFMAMBAf8wLAYDVR0RBCUwI4IJbG9jYWxob3N0hwR/AAABhxAAAAAA
AAAAAAAAAAAAAAABMAoGCCqGSM49BAMCA0cAMEQCIBzCLGzV0bz+tDXq1QhvkLUg
jSnuVW4LZcVwfOHkWL8SAiBa7wRCX8lHs3g+8yL7YZ7+fJc5JKu5iN5H4Od3zgk3
hw==
-----END CERTIFICATE-----
`,
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+5rxLcxxBJlbpQqL
uxm9hS8sjxEMLmVpqFXWsKD7clahRANCAATSFoRiUyAPExoxMuEHddWCjif5baTc
OrAZtjNvftOXaIA2GxgbAKP6tpnnBkkljKYJvtP2tx8uFlI30oDE/1xP
-----END PRIVATE KEY-----
`,
})

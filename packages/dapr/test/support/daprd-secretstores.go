//go:build !allcomponents && !stablecomponents

// The component list of the daprd that the Secret Store Dapr tests run: the two local secret stores
// and nothing else, so the build stays small and the sidecar never dials a cloud service.
//
// build-daprd.sh copies this file into a scratch copy of github.com/dapr/dapr as
// cmd/daprd/components/zz_notag.go (replacing the stub there that panics when no build tag picks a
// component set) and builds cmd/daprd without tags. It is not compiled in place.
package components

import (
	"github.com/dapr/components-contrib/secretstores/local/env"
	"github.com/dapr/components-contrib/secretstores/local/file"
	"github.com/dapr/dapr/pkg/components/secretstores"
)

func init() {
	// The names are the component `type` without its "secretstores." prefix.
	secretstores.DefaultRegistry.RegisterComponent(file.NewLocalSecretStore, "local.file")
	secretstores.DefaultRegistry.RegisterComponent(env.NewEnvSecretStore, "local.env")
}

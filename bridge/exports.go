package bridge

// The module's exports (wasm/), by the names its hosts call: bridge/host
// in Go, and jsglue/lib/core.js through the generated EXPORTS. A
// //go:wasmexport directive cannot name a constant, so a test in wasm/
// checks that the directives spell these.
const (
	// ExportBuf returns the address of an input buffer of at least n bytes.
	ExportBuf = "rf_buf"
	// ExportOut returns the address of the last output.
	ExportOut = "rf_out"
	// ExportCreate builds a service from a role and its config.
	ExportCreate = "rf_create"
	// ExportStep applies a batch of events to a service.
	ExportStep = "rf_step"
	// ExportReady puts a service's pending commands in the output.
	ExportReady = "rf_ready"
	// ExportAdvance acknowledges that the commands were carried out.
	ExportAdvance = "rf_advance"
	// ExportDestroy frees a service.
	ExportDestroy = "rf_destroy"
)

// Exports lists the module's exports, beside the WASI reactor's
// _initialize.
func Exports() []string {
	return []string{ExportBuf, ExportOut, ExportCreate, ExportStep, ExportReady, ExportAdvance, ExportDestroy}
}

// Command wasm is the ramfarm core module: one WebAssembly reactor that
// serves every engine role. It only wires exports to bridge services kept
// in a handle table; all logic lives in bridge and core.
//
// Build: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared (make wasm).
package main

import "ramfarm/bridge"

// table owns the services a module instance serves, by handle. Handles
// count up from 1 and are never reused, so a stale handle fails loudly
// instead of reaching another script's engine.
type table struct {
	next     int32
	services map[int32]bridge.Service
}

func newTable() *table { return &table{services: map[int32]bridge.Service{}} }

// create builds a service and returns its handle.
func (t *table) create(role string, config []byte) (int32, error) {
	s, err := bridge.NewService(role, config)
	if err != nil {
		return 0, err
	}
	t.next++
	t.services[t.next] = s
	return t.next, nil
}

func (t *table) get(h int32) (bridge.Service, bool) {
	s, ok := t.services[h]
	return s, ok
}

func (t *table) destroy(h int32) bool {
	_, ok := t.services[h]
	delete(t.services, h)
	return ok
}

// splitCreate cuts rf_create's input into the role name and its config.
// The lengths come from the host: negative ones, and pairs whose sum
// overflows int32 (it would wrap past the bounds check), are refused.
func splitCreate(buf []byte, roleLen, cfgLen int32) (role string, cfg []byte, ok bool) {
	if roleLen < 0 || cfgLen < 0 || int64(roleLen)+int64(cfgLen) > int64(len(buf)) {
		return "", nil, false
	}
	return string(buf[:roleLen]), buf[roleLen : roleLen+cfgLen], true
}

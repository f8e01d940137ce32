package release

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "ramfarm"), 0o755)
	os.WriteFile(filepath.Join(dir, "ramfarm", "start.js"), []byte("start"), 0o644)
	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()
	tests := []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/ramfarm/start.js?v=abc", 200, "start"},
		{"GET", "/ramfarm/none.js", 404, ""},
		{"GET", "/../secret.txt", 404, ""},
		{"POST", "/ramfarm/start.js", 405, ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || tt.status == 200 && string(b) != tt.body {
			t.Errorf("%s %s: %d %q, want %d %q", tt.method, tt.path, resp.StatusCode, b, tt.status, tt.body)
		}
		if tt.status == 200 && (resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Cache-Control") != "no-store") {
			t.Errorf("%s: headers %v: the game's page could not read it, or a browser could cache it", tt.path, resp.Header)
		}
	}
}

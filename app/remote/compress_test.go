package remote_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/flashdeck/flashdeck/app/remote"
)

// TestClientAsksForCompressionAndDecodesIt: the desktop asks for zstd and
// gzip, and reads an answer in either (or plain); a coding it did not ask
// for is an error naming it, not garbage read as JSON.
func TestClientAsksForCompressionAndDecodesIt(t *testing.T) {
	const body = `{"name":"wall","role":"viewer"}`
	for _, coding := range []string{"", "gzip", "zstd", "br"} {
		t.Run("coding="+coding, func(t *testing.T) {
			var asked string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				asked = r.Header.Get("Accept-Encoding")
				var buf bytes.Buffer
				switch coding {
				case "gzip":
					z := gzip.NewWriter(&buf)
					z.Write([]byte(body))
					z.Close()
				case "zstd":
					z, _ := zstd.NewWriter(&buf)
					z.Write([]byte(body))
					z.Close()
				default:
					buf.WriteString(body)
				}
				if coding != "" {
					w.Header().Set("Content-Encoding", coding)
				}
				w.Write(buf.Bytes())
			}))
			defer srv.Close()
			c, err := remote.New(remote.Options{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			u, err := c.WhoAmI(context.Background())
			if !strings.Contains(asked, "zstd") || !strings.Contains(asked, "gzip") {
				t.Errorf("Accept-Encoding %q, want zstd and gzip", asked)
			}
			if coding == "br" {
				if err == nil || !strings.Contains(err.Error(), `"br"`) {
					t.Errorf("an answer in br: %v, want an error naming it", err)
				}
				return
			}
			if err != nil || u.Name != "wall" {
				t.Errorf("whoami in %q: %+v, %v", coding, u, err)
			}
		})
	}
}

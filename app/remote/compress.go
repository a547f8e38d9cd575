package remote

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// acceptEncoding is what the desktop asks the collector for: a
// launch-scale snapshot is megabytes of JSON, a tenth of that or less
// compressed, and the stream's deltas compress as well.
const acceptEncoding = "zstd, gzip"

// decoding is a transport that asks for compressed answers and decodes
// them. Go's transport decodes gzip only when it set Accept-Encoding
// itself, and never zstd, so the client sets it and decodes both.
type decoding struct{ next http.RoundTripper }

func (d decoding) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Accept-Encoding") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	res, err := d.next.RoundTrip(req)
	if err != nil || res.Body == nil || req.Method == http.MethodHead {
		return res, err
	}
	coding := strings.ToLower(strings.TrimSpace(res.Header.Get("Content-Encoding")))
	var body io.ReadCloser
	switch coding {
	case "", "identity":
		return res, nil
	case "gzip", "x-gzip":
		body = &gzipBody{raw: res.Body}
	case "zstd":
		body = &zstdBody{raw: res.Body}
	default:
		res.Body.Close()
		return nil, fmt.Errorf("%s: the answer is in a coding not asked for (%q)", req.URL.Redacted(), coding)
	}
	res.Header.Del("Content-Encoding")
	res.Header.Del("Content-Length")
	res.ContentLength = -1
	res.Uncompressed = true
	res.Body = body
	return res, nil
}

// gzipBody reads the gzip header on the first read, not in RoundTrip: a
// stream's first bytes come only when the collector sends its first event.
type gzipBody struct {
	raw io.ReadCloser
	z   *gzip.Reader
}

func (g *gzipBody) Read(p []byte) (int, error) {
	if g.z == nil {
		z, err := gzip.NewReader(g.raw)
		if err != nil {
			return 0, err
		}
		g.z = z
	}
	return g.z.Read(p)
}

func (g *gzipBody) Close() error { return g.raw.Close() }

// zstdBody starts its decoder on the first read, as gzipBody does.
type zstdBody struct {
	raw io.ReadCloser
	z   *zstd.Decoder
}

func (b *zstdBody) Read(p []byte) (int, error) {
	if b.z == nil {
		// One goroutine and little memory: a desktop reads one stream.
		z, err := zstd.NewReader(b.raw, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxMemory(4*MaxEvent))
		if err != nil {
			return 0, fmt.Errorf("zstd answer: %w", err)
		}
		b.z = z
	}
	return b.z.Read(p)
}

func (b *zstdBody) Close() error {
	if b.z != nil {
		b.z.Close()
	}
	return b.raw.Close()
}

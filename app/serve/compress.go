package serve

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Content codings the collector answers in, when the client accepts them
// (Accept-Encoding): a launch-scale snapshot is megabytes of JSON, a
// tenth of that or less compressed.
const (
	codingZstd = "zstd"
	codingGzip = "gzip"
)

// negotiate picks the coding of an answer from the request's
// Accept-Encoding: zstd, then gzip, each unless refused with q=0; ""
// (identity) when neither is accepted. "*" accepts both.
func negotiate(accept string) string {
	q := map[string]float64{}
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		w := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					w = f
				} else {
					w = 0 // a weight that cannot be read accepts nothing
				}
			}
		}
		if name == "x-gzip" {
			name = codingGzip
		}
		q[name] = w
	}
	accepts := func(c string) bool {
		if w, ok := q[c]; ok {
			return w > 0
		}
		w, ok := q["*"]
		return ok && w > 0
	}
	switch {
	case accepts(codingZstd):
		return codingZstd
	case accepts(codingGzip):
		return codingGzip
	}
	return ""
}

// flushWriter is a compressor: Flush sends what was written so far (the
// stream flushes after each event), Close ends the coding.
type flushWriter interface {
	io.WriteCloser
	Flush() error
}

// Pools of compressors: a zstd encoder holds its window and tables (about
// a megabyte), too much to make for each answer.
var (
	zstdPool = sync.Pool{New: func() any {
		// The fastest level: the collector compresses every answer and
		// every stream, and at launch scale the sizes are what matter,
		// which even this level takes down tenfold. A small window: each
		// stream holds its encoder, and a delta is a few KB.
		e, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(256<<10), zstd.WithLowerEncoderMem(true))
		return e
	}}
	gzipPool = sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return w
	}}
)

// pooledWriter returns its compressor to the pool on Close.
type pooledWriter struct {
	flushWriter
	pool *sync.Pool
}

func (p *pooledWriter) Close() error {
	err := p.flushWriter.Close()
	p.pool.Put(p.flushWriter)
	p.flushWriter = nil
	return err
}

// newCompressor returns a compressor of coding writing to w.
func newCompressor(coding string, w io.Writer) flushWriter {
	switch coding {
	case codingZstd:
		e := zstdPool.Get().(*zstd.Encoder)
		e.Reset(w)
		return &pooledWriter{e, &zstdPool}
	case codingGzip:
		g := gzipPool.Get().(*gzip.Writer)
		g.Reset(w)
		return &pooledWriter{g, &gzipPool}
	}
	return nil
}

// compress is b in coding, whole.
func compress(coding string, b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/8 + 64)
	c := newCompressor(coding, &buf)
	_, _ = c.Write(b) // a bytes.Buffer does not fail
	_ = c.Close()
	return buf.Bytes()
}

// compressAnswers compresses the answers of next in the coding the client
// accepts. A handler that sets Content-Encoding itself (the snapshot,
// compressed once per snapshot for every client) is left alone, and so is
// the stream, which compresses each event as it goes.
func compressAnswers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/api/v1/stream" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		coding := negotiate(r.Header.Get("Accept-Encoding"))
		if coding == "" || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{ResponseWriter: w, coding: coding}
		defer cw.close()
		next.ServeHTTP(cw, r)
	})
}

// compressWriter compresses an answer once its header is written, unless
// the handler chose a coding itself or the answer has no body.
type compressWriter struct {
	http.ResponseWriter
	coding      string
	wroteHeader bool
	c           flushWriter
}

func (cw *compressWriter) WriteHeader(code int) {
	if cw.wroteHeader {
		return
	}
	cw.wroteHeader = true
	h := cw.Header()
	if h.Get("Content-Encoding") == "" && code != http.StatusNoContent && code != http.StatusNotModified && code >= 200 {
		h.Set("Content-Encoding", cw.coding)
		h.Del("Content-Length")
		cw.c = newCompressor(cw.coding, cw.ResponseWriter)
	}
	cw.ResponseWriter.WriteHeader(code)
}

func (cw *compressWriter) Write(b []byte) (int, error) {
	if !cw.wroteHeader {
		cw.WriteHeader(http.StatusOK)
	}
	if cw.c == nil {
		return cw.ResponseWriter.Write(b)
	}
	return cw.c.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (cw *compressWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

func (cw *compressWriter) close() {
	if cw.c != nil {
		_ = cw.c.Close()
	}
}

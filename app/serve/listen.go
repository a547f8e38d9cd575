package serve

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
)

// ListenConfig says where and how the collector listens (flashdeck serve's
// --listen, --tls-cert, --tls-key and --insecure).
type ListenConfig struct {
	// Addr is host:port; an empty host means every interface.
	Addr string
	// TLS is the certificate to serve (LoadTLS), nil for plain HTTP.
	TLS *tls.Config
	// Insecure allows plain HTTP on an address other than loopback (a
	// TLS-terminating proxy in front, on a network of its own).
	Insecure bool
	// Open is true when no users are configured: the API reads without a
	// token, so it is served on loopback only, TLS or not.
	Open bool
}

// CheckListen decides whether the collector may listen as configured. It
// opens nothing. The rules:
//   - with no users configured (Open), loopback only;
//   - elsewhere, TLS, unless Insecure: bearer tokens and the sale's figures
//     must not cross a network in clear text.
func CheckListen(c ListenConfig) error {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %w (write host:port, e.g. 127.0.0.1:9464)", c.Addr, err)
	}
	if config.IsLoopback(host) {
		return nil
	}
	where := c.Addr
	if host == "" {
		where += " (every interface)"
	}
	if c.Open {
		return fmt.Errorf("--listen %s: no users are configured, so the API is open and flashdeck serve listens on loopback only (configure users with tokens to listen on other addresses)", where)
	}
	if c.TLS == nil && !c.Insecure {
		return fmt.Errorf("--listen %s is not a loopback address and no TLS is configured: bearer tokens would cross the network in clear text. "+
			"Give --tls-cert and --tls-key (PEM files), or --insecure when a TLS-terminating proxy on a private network stands in front", where)
	}
	return nil
}

// LoadTLS loads the certificate and key the collector serves HTTPS with.
// Both or neither: neither is (nil, nil). An error names the flag and the
// file at fault.
func LoadTLS(certFile, keyFile string) (*tls.Config, error) {
	switch {
	case certFile == "" && keyFile == "":
		return nil, nil
	case certFile == "" || keyFile == "":
		return nil, errors.New("--tls-cert and --tls-key go together: give both (the certificate chain and its private key, PEM files) or neither")
	}
	for _, f := range []struct{ flag, path string }{{"--tls-cert", certFile}, {"--tls-key", keyFile}} {
		st, err := os.Stat(f.path)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", f.flag, f.path, unwrapPath(err))
		}
		if st.IsDir() {
			return nil, fmt.Errorf("%s %s: a directory, not a PEM file", f.flag, f.path)
		}
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "certificate input"), strings.Contains(msg, "failed to parse certificate"):
			return nil, fmt.Errorf("--tls-cert %s: not a PEM certificate: %s", certFile, msg)
		case strings.Contains(msg, "key input"), strings.Contains(msg, "private key"):
			return nil, fmt.Errorf("--tls-key %s: not a PEM private key (or not the one of --tls-cert %s): %s", keyFile, certFile, msg)
		}
		return nil, fmt.Errorf("--tls-cert %s, --tls-key %s: %s", certFile, keyFile, msg)
	}
	if leaf := pair.Leaf; leaf != nil && time.Now().After(leaf.NotAfter) {
		return nil, fmt.Errorf("--tls-cert %s: the certificate expired on %s: renew it", certFile, leaf.NotAfter.Format(time.DateOnly))
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}}, nil
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Listener is where the collector serves: a bound socket, with TLS when
// configured.
type Listener struct {
	net.Listener
	// TLS is the certificate served, nil for plain HTTP.
	TLS *tls.Config
	// URL is the base URL clients use (https:// with TLS).
	URL string
}

// Listen checks the configuration (CheckListen) and binds the address.
func Listen(c ListenConfig) (*Listener, error) {
	if err := CheckListen(c); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return nil, fmt.Errorf("--listen %s: %w", c.Addr, err)
	}
	scheme := "http://"
	if c.TLS != nil {
		scheme = "https://"
	}
	return &Listener{Listener: ln, TLS: c.TLS, URL: scheme + ln.Addr().String()}, nil
}

// Serve serves srv on the listener, over TLS when it has a certificate
// (HTTP/2 included), until srv is shut down.
func (l *Listener) Serve(srv *http.Server) error {
	if l.TLS == nil {
		return srv.Serve(l.Listener)
	}
	srv.TLSConfig = l.TLS.Clone()
	return srv.ServeTLS(l.Listener, "", "")
}

package serve

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"slices"
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
	leaf, err := leafOf(pair)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert %s: not a PEM certificate: %w", certFile, err)
	}
	// Every client refuses a certificate outside its validity: say so now,
	// not in each client's log.
	now := time.Now()
	switch {
	case now.Before(leaf.NotBefore):
		return nil, fmt.Errorf("--tls-cert %s: the certificate is not valid yet: valid from %s until %s, and it is %s now: every client would refuse it (check this machine's clock)",
			certFile, stamp(leaf.NotBefore), stamp(leaf.NotAfter), stamp(now))
	case now.After(leaf.NotAfter):
		return nil, fmt.Errorf("--tls-cert %s: the certificate expired on %s (valid from %s): every client would refuse it; renew it",
			certFile, stamp(leaf.NotAfter), stamp(leaf.NotBefore))
	}
	// The private key is the collector's identity: only its owner reads it.
	if st, err := os.Stat(keyFile); err == nil && runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("--tls-key %s: group or others may read or write it (mode %04o): chmod 600 %s", keyFile, st.Mode().Perm(), keyFile)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}}, nil
}

// leafOf is the certificate a pair serves (its first).
func leafOf(pair tls.Certificate) (*x509.Certificate, error) {
	if pair.Leaf != nil {
		return pair.Leaf, nil
	}
	if len(pair.Certificate) == 0 {
		return nil, errors.New("no certificate in it")
	}
	return x509.ParseCertificate(pair.Certificate[0])
}

// stamp writes a certificate time in UTC to the minute.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// ExpiryWarning is how close to its end a certificate is warned about:
// a sale outlasting the certificate fails every client mid-sale.
const ExpiryWarning = 7 * 24 * time.Hour

// CheckCertificate checks the certificate LoadTLS loaded against the
// address the collector listens on. An error means no client could verify
// it there; the warnings (logged) say what clients must do, or that it
// expires soon.
//   - a host name (--listen collector.example.com:9464) must be one of
//     the certificate's names, as clients verify it (error);
//   - an IP address must be one of its IP addresses, or else clients must
//     connect by one of its DNS names (warning; error when it has none);
//   - every interface (0.0.0.0, ::, empty): clients must connect by one of
//     its names, listed (warning);
//   - a certificate naming nothing (only a common name, which clients
//     ignore) is an error, and one ending within ExpiryWarning a warning.
func CheckCertificate(cfg *tls.Config, certFile, listen string) (warnings []string, err error) {
	if cfg == nil || len(cfg.Certificates) == 0 {
		return nil, nil
	}
	leaf, err := leafOf(cfg.Certificates[0])
	if err != nil {
		return nil, fmt.Errorf("--tls-cert %s: %w", certFile, err)
	}
	if left := time.Until(leaf.NotAfter); left < ExpiryWarning {
		in := fmt.Sprintf("%d hours", max(int(left.Hours()), 1))
		if left >= 48*time.Hour {
			in = fmt.Sprintf("%d days", int(left.Hours()/24))
		}
		warnings = append(warnings, fmt.Sprintf("--tls-cert %s: the certificate expires on %s, in %s: renew it before then (every client refuses it after)",
			certFile, stamp(leaf.NotAfter), in))
	}
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return warnings, nil // CheckListen says what is wrong with it
	}
	names := certNames(leaf)
	if len(names) == 0 {
		return warnings, fmt.Errorf("--tls-cert %s: the certificate names no host (no subject alternative name; clients ignore the common name %q): "+
			"reissue it with the names clients use, e.g. -addext subjectAltName=DNS:collector.example.com,IP:10.0.0.5", certFile, leaf.Subject.CommonName)
	}
	list := nameList(names)
	ip, ipErr := netip.ParseAddr(host)
	switch {
	case host == "" || (ipErr == nil && ip.IsUnspecified()):
		warnings = append(warnings, fmt.Sprintf("--tls-cert %s: --listen %s is every interface: clients must connect by one of the certificate's names (%s), or they refuse it",
			certFile, listen, list))
	case ipErr == nil:
		ip = ip.WithZone("")
		if leaf.VerifyHostname(ip.String()) == nil {
			break
		}
		if len(leaf.DNSNames) == 0 {
			return warnings, fmt.Errorf("--tls-cert %s: the certificate is for %s, not %s (--listen %s): no client connecting there can verify it; "+
				"reissue it with IP:%s, or listen on one of its addresses", certFile, list, ip, listen, ip)
		}
		warnings = append(warnings, fmt.Sprintf("--tls-cert %s: the certificate does not name %s (--listen %s): clients must connect by one of its names (%s), which must lead to this address",
			certFile, ip, listen, list))
	default:
		if leaf.VerifyHostname(host) != nil {
			return warnings, fmt.Errorf("--tls-cert %s: the certificate is for %s, not %s (--listen %s): clients connecting by that name would refuse it; "+
				"use a certificate for %s, or listen on one of its names", certFile, list, host, listen, host)
		}
	}
	return warnings, nil
}

// certNames lists the names a certificate is valid for: its DNS names,
// then its IP addresses.
func certNames(c *x509.Certificate) []string {
	names := slices.Clone(c.DNSNames)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return names
}

// nameList writes names for a message, at most eight.
func nameList(names []string) string {
	const most = 8
	if len(names) > most {
		return strings.Join(names[:most], ", ") + fmt.Sprintf(" and %d more", len(names)-most)
	}
	return strings.Join(names, ", ")
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

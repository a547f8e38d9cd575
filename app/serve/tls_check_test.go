package serve_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/serve/testcert"

	"github.com/flashdeck/flashdeck/app/serve"
)

// certSpec is a certificate to issue for a test.
type certSpec struct {
	from, until time.Time
	dns         []string
	ips         []string
	keyMode     os.FileMode // 0600 when zero
}

// issue writes the certificate and its key and returns their paths.
func issue(t *testing.T, s certSpec) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile, _ = testcert.Write(t, testcert.Spec{From: s.from, Until: s.until, DNS: s.dns, IPs: s.ips, KeyMode: s.keyMode})
	return certFile, keyFile
}

func utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// TestLoadTLSRefusesWhatClientsWouldRefuse: a certificate outside its
// validity fails every client, and a private key others may read is no
// longer private: both stop flashdeck serve at once, on one line saying
// what to do.
func TestLoadTLSRefusesWhatClientsWouldRefuse(t *testing.T) {
	soon, later := time.Now().Add(2*time.Hour), time.Now().Add(400*24*time.Hour)
	past, longAgo := time.Now().Add(-3*time.Hour), time.Now().Add(-400*24*time.Hour)
	local := []string{"localhost"}
	cases := []struct {
		name string
		spec certSpec
		want []string // "" parts: accepted
	}{
		{"valid", certSpec{dns: local}, nil},
		{"key for its owner only", certSpec{dns: local, keyMode: 0o400}, nil},
		{"not valid yet", certSpec{dns: local, from: soon, until: later},
			[]string{"the certificate is not valid yet: valid from " + utc(soon) + " until " + utc(later), "every client would refuse it (check this machine's clock)"}},
		{"expired", certSpec{dns: local, from: longAgo, until: past},
			[]string{"the certificate expired on " + utc(past) + " (valid from " + utc(longAgo) + "): every client would refuse it; renew it"}},
		{"key readable by all", certSpec{dns: local, keyMode: 0o644}, []string{"group or others may read or write it (mode 0644): chmod 600 "}},
		{"key readable by the group", certSpec{dns: local, keyMode: 0o640}, []string{"(mode 0640): chmod 600 "}},
		{"key writable by others", certSpec{dns: local, keyMode: 0o602}, []string{"(mode 0602)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			certFile, keyFile := issue(t, tc.spec)
			cfg, err := serve.LoadTLS(certFile, keyFile)
			if tc.want == nil {
				if err != nil || cfg == nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("more than one line: %q", msg)
			}
			flag := "--tls-cert " + certFile + ": "
			if tc.spec.keyMode != 0 {
				flag = "--tls-key " + keyFile + ": "
				tc.want = append(tc.want, "chmod 600 "+keyFile)
			}
			if !strings.HasPrefix(msg, flag) {
				t.Errorf("%q does not start with %q", msg, flag)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q lacks %q", msg, w)
				}
			}
		})
	}
	// A file that is no key is said to be one, whatever its mode.
	certFile, _ := issue(t, certSpec{dns: local})
	_, err := serve.LoadTLS(certFile, certFile)
	if err == nil || !strings.Contains(err.Error(), "not a PEM private key") {
		t.Errorf("the certificate as its own key: %v", err)
	}
}

// TestCheckCertificateAgainstTheListenAddress: the certificate must name
// what clients connect to. A host name it does not carry, or an IP address
// when it names only other addresses, is an error; an IP address it does
// not carry beside DNS names, or every interface, a warning listing the
// names clients must use.
func TestCheckCertificateAgainstTheListenAddress(t *testing.T) {
	room := certSpec{dns: []string{"collector.example.com"}, ips: []string{"10.0.0.5"}}
	loop := certSpec{dns: []string{"localhost"}, ips: []string{"127.0.0.1", "::1"}}
	onlyIP := certSpec{ips: []string{"10.0.0.9"}}
	wild := certSpec{dns: []string{"*.example.com"}}
	noName := certSpec{}
	cases := []struct {
		name   string
		spec   certSpec
		listen string
		err    string
		warn   string
	}{
		{"loopback", loop, "127.0.0.1:9464", "", ""},
		{"IPv6 loopback", loop, "[::1]:9464", "", ""},
		{"localhost", loop, "localhost:9464", "", ""},
		{"its IP address", room, "10.0.0.5:9464", "", ""},
		{"its host name", room, "collector.example.com:9464", "", ""},
		{"host name in its wildcard", wild, "collector.example.com:9464", "", ""},
		{"another host name", room, "other.example.com:9464", "the certificate is for collector.example.com, 10.0.0.5, not other.example.com (--listen other.example.com:9464): clients connecting by that name would refuse it", ""},
		{"localhost, not in it", room, "localhost:9464", "not localhost", ""},
		{"an IP address beside its names", room, "10.0.0.6:9464", "",
			"the certificate does not name 10.0.0.6 (--listen 10.0.0.6:9464): clients must connect by one of its names (collector.example.com, 10.0.0.5), which must lead to this address"},
		{"loopback beside its names", room, "127.0.0.1:9464", "", "does not name 127.0.0.1"},
		{"an IP address, only others in it", onlyIP, "10.0.0.5:9464", "the certificate is for 10.0.0.9, not 10.0.0.5 (--listen 10.0.0.5:9464): no client connecting there can verify it; reissue it with IP:10.0.0.5", ""},
		{"every interface", room, "0.0.0.0:9464", "", "--listen 0.0.0.0:9464 is every interface: clients must connect by one of the certificate's names (collector.example.com, 10.0.0.5)"},
		{"every IPv6 interface", room, "[::]:9464", "", "is every interface"},
		{"empty host", loop, ":9464", "", "clients must connect by one of the certificate's names (localhost, 127.0.0.1, ::1)"},
		{"no name at all", noName, "0.0.0.0:9464", `the certificate names no host (no subject alternative name; clients ignore the common name "flashdeck test collector")`, ""},
		{"expiring soon", certSpec{dns: []string{"localhost"}, until: time.Now().Add(3*24*time.Hour + time.Hour)}, "localhost:9464", "", "expires on "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			certFile, keyFile := issue(t, tc.spec)
			cfg, err := serve.LoadTLS(certFile, keyFile)
			if err != nil {
				t.Fatal(err)
			}
			warnings, err := serve.CheckCertificate(cfg, certFile, tc.listen)
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.err != "" && err == nil:
				t.Errorf("accepted, want an error with %q", tc.err)
			case tc.err != "":
				if msg := err.Error(); !strings.HasPrefix(msg, "--tls-cert "+certFile+": ") || !strings.Contains(msg, tc.err) || strings.Contains(msg, "\n") {
					t.Errorf("error %q, want one line naming the flag and the file, with %q", msg, tc.err)
				}
			}
			got := strings.Join(warnings, "\n")
			switch {
			case tc.warn == "" && got != "":
				t.Errorf("warned: %s", got)
			case tc.warn != "" && (len(warnings) != 1 || !strings.Contains(got, tc.warn) || !strings.HasPrefix(got, "--tls-cert "+certFile+": ")):
				t.Errorf("warnings %q, want one with %q", warnings, tc.warn)
			}
		})
	}
	if w, err := serve.CheckCertificate(nil, "", "0.0.0.0:9464"); w != nil || err != nil {
		t.Errorf("no TLS: %v %v", w, err)
	}
}

func TestCheckCertificateSaysWhenItExpires(t *testing.T) {
	until := time.Now().Add(3*24*time.Hour + time.Hour)
	certFile, keyFile := issue(t, certSpec{dns: []string{"localhost"}, until: until})
	cfg, err := serve.LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	w, err := serve.CheckCertificate(cfg, certFile, "localhost:9464")
	want := "the certificate expires on " + utc(until) + ", in 3 days: renew it before then"
	if err != nil || len(w) != 1 || !strings.Contains(w[0], want) {
		t.Errorf("%q, %v; want a warning with %q", w, err, want)
	}
}

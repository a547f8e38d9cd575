package simulator

import (
	"crypto/rsa"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"fmt"
	"time"
)

// Credentials are the simulated channels' secrets. They are demo values,
// never real ones; `flashdeck simulate` prints them as environment
// variables so a config can reference them like real credentials.
type Credentials struct {
	LazadaAppKey       string
	LazadaAppSecret    string
	LazadaAccessToken  string
	LazadaRefreshToken string

	AkulakuAppID string
	// AkulakuClientID and AkulakuClientSecret obtain tokens from the
	// simulated Akulaku token endpoint, as a real app's do.
	AkulakuClientID     string
	AkulakuClientSecret string
	// AkulakuShopID is the simulated seller's shop: every order-list call
	// must name it.
	AkulakuShopID string
	// AkulakuAccessToken is a fixed token that never expires, for clients
	// configured with a static token instead of client credentials.
	AkulakuAccessToken string
	// AkulakuTokenLifetime is how long, in sale time, a token the
	// simulated endpoint issues lives (DefaultAkulakuTokenLifetime, two
	// hours, when zero). Tests shorten it; set it before Server.Start.
	AkulakuTokenLifetime time.Duration
	// AkulakuKey signs requests (the client holds it); the simulator
	// verifies with its public half.
	AkulakuKey *rsa.PrivateKey

	StoreToken string
}

// demoAkulakuKey is the simulated Akulaku seller's signing key. It is a
// demo value, published with the source like every simulator credential,
// and fixed so that a simulator restarted with the same seed accepts the
// configuration written for it before (a fresh key per start would turn a
// restart into a signature failure).
//
//go:embed demo-akulaku-key.pem
var demoAkulakuKey []byte

// NewCredentials returns the demo credentials for a seed.
func NewCredentials(seed int64) (*Credentials, error) {
	block, _ := pem.Decode(demoAkulakuKey)
	if block == nil {
		return nil, fmt.Errorf("simulator: demo akulaku key: not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("simulator: demo akulaku key: %w", err)
	}
	key, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("simulator: demo akulaku key is not RSA")
	}
	return &Credentials{
		LazadaAppKey:       "100001",
		LazadaAppSecret:    fmt.Sprintf("sim-secret-%d", seed),
		LazadaAccessToken:  "sim-access-token-1",
		LazadaRefreshToken: "sim-refresh-token",

		AkulakuAppID:        "sim-akulaku-app",
		AkulakuClientID:     "sim-akulaku-client",
		AkulakuClientSecret: fmt.Sprintf("sim-akulaku-secret-%d", seed),
		AkulakuShopID:       "7300000000000000042",
		AkulakuAccessToken:  "sim-akulaku-token",
		AkulakuKey:          key,
		StoreToken:          "sim-store-token",
	}, nil
}

// AkulakuKeyPEM returns the private key as PKCS#8 PEM, the way a seller
// would keep it in an environment variable.
func (c *Credentials) AkulakuKeyPEM() string {
	der, err := x509.MarshalPKCS8PrivateKey(c.AkulakuKey)
	if err != nil {
		return ""
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

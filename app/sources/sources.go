// Package sources builds the channel clients a configuration describes,
// reading their credentials through a Lookup (the environment).
package sources

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/akulaku"
	"github.com/flashdeck/flashdeck/datasources/brandstore"
	"github.com/flashdeck/flashdeck/datasources/lazada"
)

// Build returns a client for every enabled channel. now is the sale clock.
// An error names the channel and the missing or wrong setting; secrets are
// never part of it.
func Build(cfg *config.Config, lookup config.Lookup, now func() time.Time, log *slog.Logger) (map[string]datasources.Source, error) {
	if log == nil {
		log = slog.Default()
	}
	out := map[string]datasources.Source{}
	for i := range cfg.Channels {
		ch := &cfg.Channels[i]
		if !ch.IsEnabled() {
			continue
		}
		secret := func(field, env string) (string, error) { return cfg.Secret(lookup, ch.ID, field, env) }
		var (
			src datasources.Source
			err error
		)
		switch ch.Kind {
		case datasources.KindLazada:
			var c lazada.Config
			c.CallsPerSecond = ch.MaxCallsPerSecond
			c.ID, c.Market, c.BaseURL, c.AuthURL, c.Timeout, c.Now = ch.ID, ch.Market, ch.BaseURL, ch.AuthURL, ch.Timeout.D(), now
			c.CancelReasonID, c.WarehouseCode = ch.CancelReasonID, ch.WarehouseCode
			if c.AppKey, err = secret("app_key_env", ch.AppKeyEnv); err != nil {
				return nil, err
			}
			if c.AppSecret, err = secret("app_secret_env", ch.AppSecretEnv); err != nil {
				return nil, err
			}
			if c.AccessToken, err = secret("access_token_env", ch.AccessTokenEnv); err != nil {
				return nil, err
			}
			if ch.RefreshTokenEnv != "" {
				if c.RefreshToken, err = secret("refresh_token_env", ch.RefreshTokenEnv); err != nil {
					return nil, err
				}
			}
			id := ch.ID
			c.OnTokenRefresh = func(_, _ string, expires time.Time) {
				log.Info("access token refreshed", "channel", id, "expires", expires.Format(time.RFC3339))
			}
			src, err = lazada.New(c)
		case datasources.KindAkulaku:
			var c akulaku.Config
			c.CallsPerSecond = ch.MaxCallsPerSecond
			c.ID, c.Market, c.BaseURL, c.Timeout, c.Now = ch.ID, ch.Market, ch.BaseURL, ch.Timeout.D(), now
			if c.AppID, err = secret("app_id_env", ch.AppIDEnv); err != nil {
				return nil, err
			}
			// Client credentials obtain and renew tokens; a static token
			// is optional with them (used first, until refused).
			if c.ClientID, err = secret("client_id_env", ch.ClientIDEnv); err != nil {
				return nil, err
			}
			if c.ClientSecret, err = secret("client_secret_env", ch.ClientSecretEnv); err != nil {
				return nil, err
			}
			if c.AccessToken, err = secret("access_token_env", ch.AccessTokenEnv); err != nil {
				return nil, err
			}
			if c.PrivateKeyPEM, err = secret("private_key_env", ch.PrivateKeyEnv); err != nil {
				return nil, err
			}
			c.ShopID = ch.ShopID
			if o := ch.Akulaku; o != nil {
				c.TimestampUnit, c.PageSize, c.Window = o.TimestampUnit, o.PageSize, o.Window.D()
				c.StatusWords, c.TokenErrorCodes, c.RateLimitCodes = o.StatusMap, o.TokenErrorCodes, o.RateLimitCodes
			}
			// Every two hours or so, and at every start: worth a debug
			// line, not an operator's attention (a failure to renew shows
			// as the channel's error).
			id := ch.ID
			c.OnTokenRenew = func(expires time.Time) {
				log.Debug("access token obtained", "channel", id, "expires", expires.Format(time.RFC3339))
			}
			// Keys kept in one-line variables carry their newlines as \n.
			if !strings.Contains(c.PrivateKeyPEM, "\n") {
				c.PrivateKeyPEM = strings.ReplaceAll(c.PrivateKeyPEM, `\n`, "\n")
			}
			src, err = akulaku.New(c)
		case datasources.KindBrandstore:
			var c brandstore.Config
			c.CallsPerSecond = ch.MaxCallsPerSecond
			c.ID, c.Market, c.BaseURL, c.Timeout, c.Now = ch.ID, ch.Market, ch.BaseURL, ch.Timeout.D(), now
			if c.Token, err = secret("token_env", ch.TokenEnv); err != nil {
				return nil, err
			}
			src, err = brandstore.New(c)
		default:
			return nil, fmt.Errorf("channel %s: kind %q has no client", ch.ID, ch.Kind)
		}
		if err != nil {
			return nil, fmt.Errorf("channel %s: %w", ch.ID, err)
		}
		out[ch.ID] = src
	}
	return out, nil
}

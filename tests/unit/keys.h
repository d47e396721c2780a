/* keys: fixed P-256 keys for the crypto and jwt suites, with values computed independently by the openssl CLI. */
#ifndef MOTUS_TEST_KEYS_H
#define MOTUS_TEST_KEYS_H

/*
 * Made with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`.
 * x and y are the last 64 bytes of `openssl pkey -pubout -outform DER`,
 * base64url-encoded; the thumbprint is
 *   printf '{"crv":"P-256","kty":"EC","x":"%s","y":"%s"}' $x $y | openssl dgst -sha256 -binary | base64url
 */
static const char key_a_pkcs8[] = "-----BEGIN PRIVATE KEY-----\n"
				  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwsGZmvwabEuL4/9f\n"
				  "JmezxYti7YULj1JBiar0iq3MB9ehRANCAAQFb9HNi6GIZDTyMdt37jIvnrCGkPiq\n"
				  "Pd3lCTj/6ih7CWl2+l4dUB2i4X0gHiSUimL4IZ5J9Er2IhCbjH1Vujnl\n"
				  "-----END PRIVATE KEY-----\n";
/* The same key as SEC1 (`openssl ec -in key_a.pem`). */
static const char key_a_sec1[] = "-----BEGIN EC PRIVATE KEY-----\n"
				 "MHcCAQEEIMLBmZr8GmxLi+P/XyZns8WLYu2FC49SQYmq9IqtzAfXoAoGCCqGSM49\n"
				 "AwEHoUQDQgAEBW/RzYuhiGQ08jHbd+4yL56whpD4qj3d5Qk4/+ooewlpdvpeHVAd\n"
				 "ouF9IB4klIpi+CGeSfRK9iIQm4x9Vbo55Q==\n"
				 "-----END EC PRIVATE KEY-----\n";
static const char key_a_spki[] = "-----BEGIN PUBLIC KEY-----\n"
				 "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEBW/RzYuhiGQ08jHbd+4yL56whpD4\n"
				 "qj3d5Qk4/+ooewlpdvpeHVAdouF9IB4klIpi+CGeSfRK9iIQm4x9Vbo55Q==\n"
				 "-----END PUBLIC KEY-----\n";
static const char key_a_x[] = "BW_RzYuhiGQ08jHbd-4yL56whpD4qj3d5Qk4_-ooewk";
static const char key_a_y[] = "aXb6Xh1QHaLhfSAeJJSKYvghnkn0SvYiEJuMfVW6OeU";
static const char key_a_thumbprint[] = "6hpeixBDw_jrUv8Ns7WxyMdARLtSYtDvGdqoFVTar3A";

/* Another P-256 key. */
static const char key_b_pkcs8[] = "-----BEGIN PRIVATE KEY-----\n"
				  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQglAzMV5PSqpx55WNF\n"
				  "R1MJKuiiv+q1UOnSHecZkzFTU6yhRANCAARpJmxJt8KH+051gnX9c0HdtUrWWAsz\n"
				  "k+Z3jZwupspvDPCsUeZdyz4w3BMLDuH9DEmXp0Iap1C1pukA50giJhHI\n"
				  "-----END PRIVATE KEY-----\n";

/* A P-384 public key: a valid key of the wrong curve. */
static const char key_p384_spki[] = "-----BEGIN PUBLIC KEY-----\n"
				    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE3tkVfv3BLJAQ4GPKCiol4N5+RWdsBAAU\n"
				    "QsxlKHew9k08Szvglxoz8Bv9c7q7l9QtFlfKfSb59U7eqJk4Mv1+xaQm/ab8XoUx\n"
				    "iMDrmQFlATP8SGY9zwZ7j5sfY/lkF9Tz\n"
				    "-----END PUBLIC KEY-----\n";

#endif

package io.hookline.security;

import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Trust for callback URLs over TLS: the JDK's CAs plus those of one extra PEM file (a private CA, a test
 * certificate). Without the file Vert.x's default, the JDK's CAs, applies; certificates and host names are always
 * verified.
 */
public final class ExtraCaTrust {

    private ExtraCaTrust() {}

    public static TrustOptions withExtraCa(Path pemFile) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            int n = 0;
            for (TrustManager tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, ca);
                    }
                }
            }
            int extra = 0;
            try (InputStream in = Files.newInputStream(pemFile)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("extra-" + extra++, c);
                }
            }
            if (extra == 0) {
                throw new IllegalArgumentException("no certificate in " + pemFile);
            }
            TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            combined.init(store);
            return TrustOptions.wrap(combined);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the CA file " + pemFile + ": " + e.getMessage(), e);
        }
    }
}

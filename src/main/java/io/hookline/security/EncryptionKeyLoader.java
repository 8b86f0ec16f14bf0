package io.hookline.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key for {@link SecretBox}: HOOKLINE_ENCRYPTION_KEY when set; otherwise a key made on first start and kept in
 * {@code dataDir/encryption.key} (mode 600). Runs once at start, before the event loops serve anything.
 */
public final class EncryptionKeyLoader {

    private static final Logger LOG = LoggerFactory.getLogger(EncryptionKeyLoader.class);
    static final String KEY_FILE = "encryption.key";

    private EncryptionKeyLoader() {}

    public static byte[] load(String configured, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return decode(configured.trim(), "HOOKLINE_ENCRYPTION_KEY");
        }
        Path file = dataDir.resolve(KEY_FILE);
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file).trim(), file.toString());
            }
            Files.createDirectories(dataDir);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.writeString(
                    file,
                    Base64.getEncoder().encodeToString(key) + "\n",
                    StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            LOG.warn(
                    "No HOOKLINE_ENCRYPTION_KEY set: generated one in {}; keep this file (or set the variable), "
                            + "stored auth values cannot be read without it",
                    file.toAbsolutePath());
            return key;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the encryption key file " + file + ": " + e, e);
        }
    }

    /** HOOKLINE_ENCRYPTION_KEY_PREVIOUS: the key being rotated out, or null. */
    public static byte[] previous(String configured) {
        return configured == null || configured.isBlank()
                ? null
                : decode(configured.trim(), "HOOKLINE_ENCRYPTION_KEY_PREVIOUS");
    }

    private static byte[] decode(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is not valid base64");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(source + " must be base64 of 32 bytes, got " + key.length + " bytes");
        }
        return key;
    }
}

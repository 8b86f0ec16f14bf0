package io.hookline.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for secrets at rest. A sealed value is {@code 0x01}, the id of the key that sealed it (the first 8
 * bytes of the key's SHA-256), a random 12-byte nonce and the ciphertext. The key id lets the key be rotated: with
 * HOOKLINE_ENCRYPTION_KEY_PREVIOUS set, values sealed with the previous key are still opened (and re-sealed with the
 * current one at start, {@link #isCurrent}). Values sealed before key ids existed (nonce and ciphertext only) are
 * opened with either key.
 */
public final class SecretBox {

    private static final byte VERSION = 1;
    private static final int KEY_ID_BYTES = 8;
    private static final int HEADER_BYTES = 1 + KEY_ID_BYTES;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final byte[] keyId;
    private final SecretKeySpec previous;
    private final byte[] previousId;

    public SecretBox(byte[] key) {
        this(key, null);
    }

    /** {@code previousKey}: a key being rotated out, used only to open what it sealed; may be null. */
    public SecretBox(byte[] key, byte[] previousKey) {
        this.key = spec(key);
        this.keyId = keyId(key);
        this.previous = previousKey == null ? null : spec(previousKey);
        this.previousId = previousKey == null ? null : keyId(previousKey);
    }

    private static SecretKeySpec spec(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("encryption key must be 32 bytes, got " + key.length);
        }
        return new SecretKeySpec(key, "AES");
    }

    private static byte[] keyId(byte[] key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key), KEY_ID_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes every value sealed with the current key starts with. */
    public byte[] currentPrefix() {
        return ByteBuffer.allocate(HEADER_BYTES).put(VERSION).put(keyId).array();
    }

    public byte[] seal(String plaintext) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(HEADER_BYTES + NONCE_BYTES + sealed.length)
                    .put(VERSION)
                    .put(keyId)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt", e);
        }
    }

    /** True when the value was sealed with the current key (it need not be sealed again after a rotation). */
    public boolean isCurrent(byte[] sealed) {
        return sealed != null && hasId(sealed, keyId);
    }

    public String open(byte[] sealed) {
        if (sealed == null) {
            return null;
        }
        try {
            if (hasId(sealed, keyId)) {
                return decrypt(key, sealed, HEADER_BYTES);
            }
            if (previous != null && hasId(sealed, previousId)) {
                return decrypt(previous, sealed, HEADER_BYTES);
            }
            return openUnnamed(sealed);
        } catch (GeneralSecurityException e) {
            // Wrong key (HOOKLINE_ENCRYPTION_KEY changed) or tampered data; say which without echoing anything secret.
            throw new IllegalStateException("cannot decrypt a stored secret: was the encryption key changed?", e);
        }
    }

    /** A value without a key id known here: one sealed before key ids existed, by either key. */
    private String openUnnamed(byte[] sealed) throws GeneralSecurityException {
        try {
            return decrypt(key, sealed, 0);
        } catch (GeneralSecurityException e) {
            if (previous == null) {
                throw e;
            }
            return decrypt(previous, sealed, 0);
        }
    }

    private static boolean hasId(byte[] sealed, byte[] id) {
        return sealed.length > HEADER_BYTES + NONCE_BYTES
                && sealed[0] == VERSION
                && Arrays.equals(sealed, 1, HEADER_BYTES, id, 0, KEY_ID_BYTES);
    }

    private static String decrypt(SecretKeySpec k, byte[] sealed, int from) throws GeneralSecurityException {
        if (sealed.length < from + NONCE_BYTES + TAG_BITS / 8) {
            throw new GeneralSecurityException("too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, sealed, from, NONCE_BYTES));
        return new String(
                cipher.doFinal(sealed, from + NONCE_BYTES, sealed.length - from - NONCE_BYTES), StandardCharsets.UTF_8);
    }
}

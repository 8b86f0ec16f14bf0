package io.hookline.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Sealed secrets name their key, so that the key can be rotated with the old one kept to open what it sealed. */
class SecretBoxTest {

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    @Test
    void aSealedValueCarriesTheIdOfItsKey() {
        SecretBox box = new SecretBox(key());
        byte[] sealed = box.seal("s3cret");
        assertThat(Arrays.copyOf(sealed, 9)).isEqualTo(box.currentPrefix());
        assertThat(box.isCurrent(sealed)).isTrue();
        assertThat(box.open(sealed)).isEqualTo("s3cret");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("s3cret");
    }

    @Test
    void afterARotationThePreviousKeyStillOpensWhatItSealed() {
        byte[] oldKey = key();
        byte[] newKey = key();
        byte[] sealedByOld = new SecretBox(oldKey).seal("old value");
        SecretBox rotated = new SecretBox(newKey, oldKey);
        assertThat(rotated.isCurrent(sealedByOld)).isFalse();
        assertThat(rotated.open(sealedByOld)).isEqualTo("old value");
        byte[] sealedByNew = rotated.seal("new value");
        assertThat(rotated.isCurrent(sealedByNew)).isTrue();
        assertThat(new SecretBox(newKey).open(sealedByNew)).isEqualTo("new value");
        // without the previous key, the old value cannot be opened, and the error says nothing secret
        assertThatThrownBy(() -> new SecretBox(newKey).open(sealedByOld))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("old value");
    }

    @Test
    void valuesSealedBeforeKeyIdsExistedAreOpenedWithEitherKey() throws Exception {
        byte[] oldKey = key();
        byte[] newKey = key();
        byte[] legacy = legacySeal(oldKey, "from the first release");
        assertThat(new SecretBox(oldKey).open(legacy)).isEqualTo("from the first release");
        SecretBox rotated = new SecretBox(newKey, oldKey);
        assertThat(rotated.isCurrent(legacy)).isFalse();
        assertThat(rotated.open(legacy)).isEqualTo("from the first release");
    }

    /** The first release's format: a 12-byte nonce, then the AES-GCM ciphertext. */
    private static byte[] legacySeal(byte[] key, String plaintext) throws Exception {
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array();
    }
}

package io.hookline.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** recordFormat: exact placeholders keep the value's JSON (numbers their source text), embedded ones its text. */
class RecordFormatTest {

    private static String apply(String format, String record) {
        RecordFormat f = new RecordFormat(new JsonObject(format), 1 << 20);
        byte[] in = record.getBytes(StandardCharsets.UTF_8);
        byte[] out = f.apply(in, in.length);
        return new String(out, 0, f.length(), StandardCharsets.UTF_8);
    }

    @Test
    void exactPlaceholdersKeepTheJsonTypeAndMissingOnesAreNull() {
        String record = "{\"s\":\"a \\\"q\\\" \\u00e9\\n\",\"n\":1.50,\"big\":12345678901234567890123,\"t\":true,"
                + "\"f\":false,\"z\":null,\"o\":{\"k\":[1,{\"x\":\"y\"}]},\"a\":[1,\"2\",null]}";
        assertThat(apply(
                        "{\"S\":\"{{s}}\",\"N\":\"{{n}}\",\"B\":\"{{big}}\",\"T\":\"{{t}}\",\"F\":\"{{f}}\","
                                + "\"Z\":\"{{z}}\",\"O\":\"{{o}}\",\"A\":\"{{a}}\",\"M\":\"{{missing}}\"}",
                        record))
                .isEqualTo("{\"S\":\"a \\\"q\\\" \\u00e9\\n\",\"N\":1.50,\"B\":12345678901234567890123,\"T\":true,"
                        + "\"F\":false,\"Z\":null,\"O\":{\"k\":[1,{\"x\":\"y\"}]},\"A\":[1,\"2\",null],\"M\":null}");
    }

    @Test
    void embeddedPlaceholdersBecomeTextAndMissingOrNullOnesNothing() {
        String record = "{\"first\":\"Ada\",\"last\":\"L\\\"ovelace\",\"age\":36.0,\"ok\":true,\"none\":null,"
                + "\"o\":{\"k\":\"v\\\\w\"},\"a\":[1,\"x\"]}";
        assertThat(apply(
                        "{\"name\":\"{{first}} {{last}}\",\"info\":\"age={{age}} ok={{ok}} none=[{{none}}] "
                                + "gone=[{{gone}}]\",\"o\":\"o={{o}}\",\"a\":\"a={{a}}\",\"twice\":\"{{first}}{{first}}\"}",
                        record))
                .isEqualTo("{\"name\":\"Ada L\\\"ovelace\",\"info\":\"age=36.0 ok=true none=[] gone=[]\","
                        + "\"o\":\"o={\\\"k\\\":\\\"v\\\\\\\\w\\\"}\",\"a\":\"a=[1,\\\"x\\\"]\",\"twice\":\"AdaAda\"}");
    }

    @Test
    void nestedObjectsAndArraysOfTheFormatAreWalkedAndOtherValuesKept() {
        String record = "{\"id\":7,\"email\":\"a@b.c\",\"tags\":[\"x\"]}";
        assertThat(apply(
                        "{\"user\":{\"id\":\"{{id}}\",\"contact\":[\"{{email}}\",{\"mail\":\"<{{email}}>\"}]},"
                                + "\"tags\":\"{{tags}}\",\"const\":1.5,\"flag\":false,\"nothing\":null,\"text\":\"plain {not} {{\","
                                + "\"list\":[[],{}]}",
                        record))
                .isEqualTo(
                        "{\"user\":{\"id\":7,\"contact\":[\"a@b.c\",{\"mail\":\"<a@b.c>\"}]},\"tags\":[\"x\"],"
                                + "\"const\":1.5,\"flag\":false,\"nothing\":null,\"text\":\"plain {not} {{\",\"list\":[[],{}]}");
    }

    @Test
    void keysAreTakenVerbatimNotAsPaths() {
        assertThat(apply(
                        "{\"a\":\"{{a.b}}\",\"b\":\"{{ a }}\",\"{{k}}\":\"{{k}}\"}",
                        "{\"a\":{\"b\":1},\"a.b\":2,\"k\":3}"))
                .isEqualTo("{\"a\":2,\"b\":null,\"{{k}}\":3}");
    }

    @Test
    void theFormatIsFilledAgainForEveryRecord() {
        RecordFormat f = new RecordFormat(new JsonObject("{\"v\":\"{{v}}\"}"), 1 << 20);
        byte[] one = "{\"v\":\"a much longer value than the next\"}".getBytes(StandardCharsets.UTF_8);
        byte[] two = "{\"w\":1}".getBytes(StandardCharsets.UTF_8);
        f.apply(one, one.length);
        byte[] out = f.apply(two, two.length);
        assertThat(new String(out, 0, f.length(), StandardCharsets.UTF_8)).isEqualTo("{\"v\":null}");
    }

    @Test
    void aRecordReshapedBeyondTheLimitIsRefused() {
        RecordFormat f = new RecordFormat(new JsonObject("{\"a\":\"{{v}}\",\"b\":\"{{v}}\"}"), 30);
        byte[] in = "{\"v\":\"0123456789\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> f.apply(in, in.length)).isInstanceOf(RecordFormat.TooLargeException.class);
    }
}

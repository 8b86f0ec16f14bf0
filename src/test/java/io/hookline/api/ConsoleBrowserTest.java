package io.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Records;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium (Debian's, through its chromedriver; nothing is downloaded), against the
 * shared server and receivers of the test. One browser for the class. Every page visited leaves a screenshot in
 * target/console-screenshots/.
 */
class ConsoleBrowserTest extends SharedServerTest {

    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void startBrowser() throws IOException {
        profile = Files.createTempDirectory("hookline-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getenv().getOrDefault("HOOKLINE_CHROMIUM", "/usr/bin/chromium"));
        // as root, in a container, offline: no sandbox, no GPU, nothing fetched in the background
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--window-size=1400,1000");
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(
                        new File(System.getenv().getOrDefault("HOOKLINE_CHROMEDRIVER", "/usr/bin/chromedriver")))
                .build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    /** A script error fails the test that caused it; answers the server refused (a 401, a 404) are not errors. */
    @AfterEach
    void noScriptErrors() {
        List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel() == Level.SEVERE && !e.getMessage().contains("Failed to load resource"))
                .map(LogEntry::getMessage)
                .toList();
        assertThat(errors).isEmpty();
    }

    @Test
    void anImportsBarFillsWhileTheConsoleWatchesUntilItIsCompleted() {
        String template = Api.uniqueTemplate("console-ok");
        api.destination(
                template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 10));
        // paused first, so that the page is seen before any page is delivered and has to follow the import by itself
        assertThat(api.post("/v1/templates/" + template + "/destination/pause", null)
                        .status())
                .isEqualTo(200);
        String uploadId = api.importRecords(template, Records.of(50), null);

        open(api, "#/imports?template=" + template);
        By row = By.cssSelector("#imports tr[data-upload-id='" + uploadId + "']");
        waitFor(
                "the import listed, nothing delivered",
                d -> d.findElement(row).getAttribute("data-status").equals("QUEUED")
                        && bar(d.findElement(row)).getAttribute("aria-valuenow").equals("0"));

        assertThat(api.post("/v1/templates/" + template + "/destination/resume", null)
                        .status())
                .isEqualTo(200);
        waitFor("the import COMPLETED with a full bar", d -> {
            WebElement r = d.findElement(row);
            WebElement bar = bar(r);
            WebElement delivered = bar.findElement(By.cssSelector(".delivered"));
            return r.getAttribute("data-status").equals("COMPLETED")
                    && r.findElement(By.cssSelector(".status")).getText().contains("COMPLETED")
                    && bar.getAttribute("aria-valuenow").equals("5")
                    && bar.getAttribute("aria-valuemax").equals("5")
                    && delivered.getRect().getWidth() == bar.getRect().getWidth()
                    && r.getText().contains("5 delivered");
        });
        assertThat(browser.findElement(row).findElement(By.cssSelector(".rate")).getText())
                .contains("rec/s");
        screenshot("imports");
    }

    @Test
    void theFailureLogShowsTheReceiversErrorAndRedeliverBringsThePagesHome() {
        String template = Api.uniqueTemplate("console-fail");
        AtomicBoolean failing = new AtomicBoolean(true);
        sink.answer(r -> template.equals(r.json().getString("template")) && failing.get()
                ? Sink.Reply.status(500).withBody("ledger locked by nightly batch")
                : Sink.Reply.ok());
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("chunkSize", 10)
                        .put("retryCount", 0));
        String uploadId = api.importRecords(template, Records.of(30), null);
        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("FAILED");

        open(api, "#/imports/" + uploadId);
        waitFor(
                "the import shown as FAILED",
                d -> "FAILED".equals(d.findElement(By.cssSelector(".summary")).getAttribute("data-status")));
        // nothing was delivered, so there is no rate of delivery
        assertThat(browser.findElement(By.cssSelector(".summary .rate")).getText())
                .isEqualTo("—");
        // a number column's head lines up with its numbers
        assertThat(browser.findElements(By.cssSelector("#attempts th.num, #chunks th.num")))
                .isNotEmpty()
                .allSatisfy(th -> assertThat(th.getCssValue("text-align")).isEqualTo("right"));
        // the upload ID in the heading is as large as the heading's word
        assertThat(px(browser.findElement(By.cssSelector("h1 .mono")).getCssValue("font-size")))
                .isGreaterThanOrEqualTo(px(browser.findElement(By.tagName("h1")).getCssValue("font-size")));
        assertThat(browser.findElement(By.id("failed-only")).isSelected()).isTrue();
        waitFor("three failed attempts in the failure log", d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#attempts tbody tr"));
            return rows.size() == 3
                    && rows.stream()
                            .allMatch(r -> r.getText().contains("500")
                                    && r.getText().contains("ledger locked by nightly batch"));
        });
        screenshot("import-failed");

        failing.set(false);
        click(By.id("redeliver"));
        waitFor(
                "redeliver saying how many pages it requeued",
                d -> d.findElement(By.cssSelector(".notice.ok")).getText().equals("Requeued 3 pages for delivery."));
        waitFor(
                "the import COMPLETED after redeliver",
                d -> "COMPLETED"
                        .equals(d.findElement(By.cssSelector(".summary")).getAttribute("data-status")));
        assertThat(browser.findElement(By.cssSelector(".summary .rate")).getText())
                .startsWith("avg ")
                .endsWith(" rec/s");
        waitFor("every page DELIVERED in the page table", d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#chunks tbody tr"));
            return rows.size() == 3 && rows.stream().allMatch(r -> "DELIVERED".equals(r.getAttribute("data-status")));
        });
        assertThat(browser.findElement(By.id("redeliver")).isEnabled()).isFalse();
        assertThat(sink.receivedFor(uploadId)).hasSize(6);
        screenshot("import-redelivered");
    }

    @Test
    void aDestinationIsPausedResumedEditedTestedAndGetsANewSecret() {
        String template = Api.uniqueTemplate("console-dest");
        sink.answer(r -> r.json().getString("uploadId").startsWith("test_")
                ? Sink.Reply.ok().withBody("{\"hello\":\"from the receiver\"}")
                : Sink.Reply.ok());
        api.destination(template, new JsonObject().put("callbackUrl", sink.url()));

        // other tests' destinations share the database: the page that starts where this one's code does (a prefix of a
        // code sorts before it)
        open(api, "#/destinations?after=" + template.substring(0, template.length() - 1));
        By row = By.cssSelector("#destinations tr[data-template='" + template + "']");
        waitFor(
                "the destination listed as ACTIVE",
                d -> "ACTIVE".equals(d.findElement(row).getAttribute("data-state")));
        screenshot("destinations");
        click(row, By.linkText(template));

        waitFor("its state", d -> d.findElement(By.id("state")).getText().equals("ACTIVE"));
        click(By.id("pause"));
        waitFor("PAUSED", d -> d.findElement(By.id("state")).getText().equals("PAUSED"));
        assertThat(api.get("/v1/templates/" + template + "/destination").json().getString("state"))
                .isEqualTo("PAUSED");
        click(By.id("resume"));
        waitFor("ACTIVE again", d -> d.findElement(By.id("state")).getText().equals("ACTIVE"));
        assertThat(api.get("/v1/templates/" + template + "/destination").json().getString("state"))
                .isEqualTo("ACTIVE");

        click(By.id("send-test"));
        waitFor("the receiver's answer", d -> {
            String text = d.findElement(By.id("test-result")).getText();
            return text.contains("200") && text.contains("{\"hello\":\"from the receiver\"}");
        });
        assertThat(sink.received())
                .anyMatch(r -> r.json().getString("uploadId").startsWith("test_")
                        && template.equals(r.json().getString("template")));

        // the server's validation error next to its field, then a good value saved
        WebElement chunkSize = browser.findElement(By.id("field-chunkSize"));
        chunkSize.clear();
        chunkSize.sendKeys("0");
        click(By.id("save"));
        waitFor(
                "chunkSize's error next to it",
                d -> d.findElement(By.id("error-chunkSize")).getText().startsWith("chunkSize ")
                        && d.findElement(By.cssSelector("[data-field=chunkSize]"))
                                .getAttribute("class")
                                .contains("invalid"));
        assertThat(browser.findElement(By.id("error-callbackUrl")).getText()).isEmpty();
        screenshot("destination-invalid");
        chunkSize = browser.findElement(By.id("field-chunkSize"));
        chunkSize.clear();
        chunkSize.sendKeys("25");
        click(By.id("save"));
        waitFor(
                "saved",
                d -> d.findElement(By.cssSelector(".notice.ok")).getText().equals("Saved."));
        assertThat(api.get("/v1/templates/" + template + "/destination").json().getInteger("chunkSize"))
                .isEqualTo(25);
        assertThat(browser.findElement(By.id("error-chunkSize")).getText()).isEmpty();

        click(By.id("rotate"));
        browser.switchTo().alert().accept();
        waitFor(
                "the new secret, shown once",
                d -> d.findElement(By.id("new-secret")).getAttribute("value").startsWith("whsec_"));
        // signing was off: there was no previous secret to keep signing
        assertThat(browser.findElement(By.cssSelector(".secret-once")).getText())
                .doesNotContain("previous secret");
        assertThat(api.get("/v1/templates/" + template + "/destination").json().getBoolean("signing"))
                .isTrue();
        waitFor(
                "signing shown as set, masked",
                d -> d.findElement(By.id("field-signingSecret"))
                                .getAttribute("placeholder")
                                .contains("set")
                        && d.findElement(By.id("field-signingSecret"))
                                .getAttribute("value")
                                .isEmpty());
        screenshot("destination");
    }

    @Test
    void anUnknownImportAndAnEmptyListAreSaidSo() {
        open(api, "#/imports/no-such-import");
        waitFor(
                "the unknown import said so",
                d -> d.findElement(By.cssSelector(".notice.error"))
                        .getText()
                        .contains("No import with upload ID “no-such-import”"));
        screenshot("import-unknown");
        open(api, "#/imports?template=" + Api.uniqueTemplate("console-none"));
        waitFor(
                "the empty list said so",
                d -> d.findElement(By.cssSelector(".view-message .empty"))
                        .getText()
                        .equals("No imports match these filters."));
        assertThat(browser.findElement(By.id("imports")).isDisplayed()).isFalse();
    }

    /** A server with keys: the files load, the page asks for a key, a wrong one asks again, a right one is kept. */
    @Test
    void onAServerWithKeysThePageAsksForOneAndSaysWhenTheServerIsGone() throws Exception {
        TestServer keyed = TestServer.start(Map.of("HOOKLINE_API_KEYS", "console-key-1"));
        boolean stopped = false;
        try {
            Api withKey = keyed.api().withKey("console-key-1");
            String template = Api.uniqueTemplate("console-keyed");
            withKey.destination(template, new JsonObject().put("callbackUrl", sink.url()));
            String uploadId = withKey.importRecords(template, Records.of(3), null);
            open(keyed.api(), "#/imports?template=" + template);
            waitFor(
                    "the key prompt",
                    d -> d.findElement(By.id("key-dialog")).isDisplayed()
                            && d.findElement(By.id("key-message")).getText().equals("This server needs an API key."));
            screenshot("api-key");

            enterKey("not-the-key");
            waitFor(
                    "the prompt again, saying the key was refused",
                    d -> d.findElement(By.id("key-dialog")).isDisplayed()
                            && d.findElement(By.id("key-message"))
                                    .getText()
                                    .startsWith("The server refused this API key."));
            assertThat(sessionKey()).isNull();
            assertThat(browser.findElement(By.id("forget-key")).isDisplayed()).isFalse();

            enterKey("console-key-1");
            waitFor(
                    "the import listed, read with the key",
                    d -> !d.findElement(By.id("key-dialog")).isDisplayed()
                            && d.findElements(By.cssSelector("#imports tr[data-upload-id='" + uploadId + "']"))
                                            .size()
                                    == 1);
            assertThat(sessionKey()).isEqualTo("console-key-1");
            assertThat(browser.findElement(By.id("forget-key")).isDisplayed()).isTrue();
            assertThat(browser.findElements(By.cssSelector(".load-error"))).isEmpty();

            keyed.stop();
            stopped = true;
            waitFor(
                    "the banner saying the server cannot be reached",
                    d -> d.findElement(By.id("banner")).isDisplayed()
                            && d.findElement(By.id("banner")).getText().startsWith("Cannot reach the Hookline server"));
            screenshot("unreachable");
        } finally {
            if (!stopped) {
                keyed.stop();
            }
        }
    }

    @Test
    void theAttemptLogIsInTheOrderTheAttemptsStarted() {
        String template = Api.uniqueTemplate("console-order");
        // page 1 answers last, so the server records its attempt after those of pages 2 and 3 that started later
        sink.answer(r -> !template.equals(r.json().getString("template"))
                ? Sink.Reply.ok()
                : r.page() == 1 ? Sink.Reply.status(503).delayed(1500) : Sink.Reply.status(503));
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("chunkSize", 10)
                        .put("retryCount", 0));
        String uploadId = api.importRecords(template, Records.of(30), null);
        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("FAILED");

        open(api, "#/imports/" + uploadId);
        waitFor(
                "three failed attempts in the log",
                d -> d.findElements(By.cssSelector("#attempts tbody tr")).size() == 3);
        List<List<String>> shown = browser.findElements(By.cssSelector("#attempts tbody tr")).stream()
                .map(r -> List.of(
                        r.findElement(By.tagName("time")).getAttribute("datetime"),
                        r.getAttribute("data-page"),
                        r.getAttribute("data-attempt")))
                .toList();
        Comparator<List<String>> byStart = Comparator.<List<String>, Instant>comparing(a -> Instant.parse(a.get(0)))
                .thenComparing(a -> Integer.parseInt(a.get(1)))
                .thenComparing(a -> Integer.parseInt(a.get(2)));
        assertThat(shown).isSortedAccordingTo(byStart);
    }

    @Test
    void aNewDestinationShowsTheDefaultsItWillTakeAndSaysItWasCreated() {
        String template = Api.uniqueTemplate("console-new");
        sink.answer(r -> r.json().getString("uploadId").startsWith("test_") ? Sink.Reply.status(401) : Sink.Reply.ok());
        open(api, "#/destinations/new");
        waitFor("the form", d -> d.findElement(By.id("field-template")).isDisplayed());
        assertThat(placeholder("chunkSize")).isEqualTo("100");
        assertThat(placeholder("retryCount")).isEqualTo("0");
        assertThat(placeholder("timeoutMs")).isEqualTo("30000");
        assertThat(placeholder("maxRetryInterval")).isEqualTo("3600000");
        assertThat(placeholder("rateLimit")).isEqualTo("unlimited");
        assertThat(placeholder("signingSecret")).contains("not signed");
        assertThat(browser.findElement(By.id("secret-hint")).getText()).contains("whsec_");
        screenshot("destination-new");

        browser.findElement(By.id("field-template")).sendKeys(template);
        browser.findElement(By.id("field-callbackUrl")).sendKeys(sink.url());
        browser.findElement(By.id("field-authHeaderName")).sendKeys("X-Receiver-Key");
        click(By.id("save"));
        waitFor(
                "the created destination's page saying so",
                d -> d.getCurrentUrl().endsWith("#/destinations/" + template)
                        && d.findElement(By.cssSelector(".notice.ok")).getText().equals("Created.")
                        && d.findElement(By.id("state")).getText().equals("ACTIVE"));
        JsonObject created =
                api.get("/v1/templates/" + template + "/destination").json();
        assertThat(created.getInteger("chunkSize")).isEqualTo(100);
        assertThat(created.getString("authHeaderName")).isEqualTo("X-Receiver-Key");

        // the receiver refuses the test for want of the auth header, which a test request does not carry
        click(By.id("send-test"));
        waitFor(
                "the test's answer, saying the auth header was not sent",
                d -> d.findElement(By.id("test-result")).getText().contains("401")
                        && d.findElement(By.id("test-auth-note"))
                                .getText()
                                .startsWith("The auth header X-Receiver-Key is not sent with test requests"));
    }

    /** At 400 px wide the page never scrolls sideways: wide tables scroll in their panel, the form stacks. */
    @Test
    void onANarrowScreenOnlyTheTablesScrollSideways() {
        String template = Api.uniqueTemplate("console-narrow");
        String answer = "the receiver explains at length why it refused this page: " + "ledger-locked ".repeat(20);
        sink.answer(r -> template.equals(r.json().getString("template"))
                ? Sink.Reply.status(500).withBody(answer)
                : Sink.Reply.ok());
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url() + "/a/rather/long/path/for/the/hooks")
                        .put("chunkSize", 10)
                        .put("retryCount", 1));
        String uploadId = api.importRecords(template, Records.of(30), null);
        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("FAILED");

        browser.manage().window().setSize(new Dimension(400, 900));
        try {
            assertThat(((Number) js("return window.innerWidth")).intValue()).isLessThanOrEqualTo(400);

            open(api, "#/imports");
            waitFor(
                    "the import listed",
                    d -> d.findElements(By.cssSelector("#imports tr[data-upload-id='" + uploadId + "']"))
                                    .size()
                            == 1);
            assertNoSidewaysScroll("imports");

            open(api, "#/imports/" + uploadId);
            waitFor(
                    "its attempts and pages",
                    d -> d.findElements(By.cssSelector("#attempts tbody tr")).size() == 6
                            && d.findElements(By.cssSelector("#chunks tbody tr[data-status=UNDELIVERED]"))
                                            .size()
                                    == 3);
            assertNoSidewaysScroll("import");

            open(api, "#/destinations");
            waitFor(
                    "destinations listed",
                    d -> !d.findElements(By.cssSelector("#destinations tbody tr"))
                            .isEmpty());
            assertNoSidewaysScroll("destinations");

            open(api, "#/destinations/" + template);
            waitFor(
                    "its form",
                    d -> d.findElement(By.id("field-callbackUrl"))
                            .getAttribute("value")
                            .endsWith("/hooks"));
            assertNoSidewaysScroll("destination");
            // the labels sit above the inputs, which take the panel's width
            assertThat(browser.findElement(By.id("field-callbackUrl")).getRect().getWidth())
                    .isGreaterThan(300);
        } finally {
            browser.manage().window().setSize(new Dimension(1400, 1000));
        }
    }

    private static void assertNoSidewaysScroll(String page) {
        Number scrollWidth = (Number) js("return document.documentElement.scrollWidth");
        Number innerWidth = (Number) js("return window.innerWidth");
        screenshot("narrow-" + page);
        assertThat(scrollWidth.intValue())
                .as("the %s page's width at %s px", page, innerWidth)
                .isLessThanOrEqualTo(innerWidth.intValue());
    }

    private static String placeholder(String field) {
        return browser.findElement(By.id("field-" + field)).getAttribute("placeholder");
    }

    private static double px(String cssLength) {
        return Double.parseDouble(cssLength.replace("px", ""));
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static void open(Api server, String hash) {
        browser.get(server.base() + "/console/" + hash);
    }

    /** Clicks what the locators find, looking it up again when the page redrew it in between. */
    private static void click(By... path) {
        waitFor("to click " + Arrays.toString(path), d -> {
            WebElement e = d.findElement(path[0]);
            for (int i = 1; i < path.length; i++) {
                e = e.findElement(path[i]);
            }
            e.click();
            return true;
        });
    }

    private static WebElement bar(WebElement row) {
        return row.findElement(By.cssSelector("[role=progressbar]"));
    }

    private static void enterKey(String key) {
        WebElement input = browser.findElement(By.id("key-input"));
        input.clear();
        input.sendKeys(key);
        click(By.id("key-submit"));
    }

    private static Object sessionKey() {
        return ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('hookline.apiKey')");
    }

    /** Waits for a state of the page; elements are redrawn as the page refreshes, so a stale one is looked up again. */
    private static void waitFor(String what, ExpectedCondition<Boolean> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .ignoring(NoSuchElementException.class)
                .ignoring(StaleElementReferenceException.class)
                .withMessage(what)
                .until(condition);
    }

    /** The whole page at the window's width: the window grows to the page's height for the shot. */
    private static void screenshot(String name) {
        Dimension window = browser.manage().window().getSize();
        Number height = (Number) js("return document.documentElement.scrollHeight");
        browser.manage()
                .window()
                .setSize(new Dimension(
                        window.getWidth(), Math.max(window.getHeight(), Math.min(4000, height.intValue()))));
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        browser.manage().window().setSize(window);
        try {
            Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

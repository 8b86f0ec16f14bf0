package io.hookline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages of the server in layers, top to bottom, as docs/architecture.md draws them. A package may use only
 * packages of the layers below its own: never one above, never a neighbour in its own layer. So there is no package
 * cycle either, which is checked on its own for a clearer message. The dependencies are what {@code jdeps} (of the
 * running JDK) reads in the compiled classes, so an import, a fully qualified name and a lambda's type all count.
 */
class LayersTest {

    /** Top first. Keep in step with the picture in docs/architecture.md. */
    static final List<List<String>> LAYERS = List.of(
            List.of("io.hookline"),
            List.of("io.hookline.cli", "io.hookline.api"),
            List.of("io.hookline.ingest"),
            List.of("io.hookline.chunk", "io.hookline.delivery", "io.hookline.housekeeping"),
            List.of("io.hookline.store"),
            List.of("io.hookline.config"),
            List.of(
                    "io.hookline.security",
                    "io.hookline.format",
                    "io.hookline.http",
                    "io.hookline.bus",
                    "io.hookline.logging"));

    private static final Pattern EDGE =
            Pattern.compile("^\\s+(io\\.hookline[\\w.]*)\\s+->\\s+(io\\.hookline[\\w.]*)\\s");

    /** Package to the packages it uses (itself left out). */
    private static Map<String, Set<String>> uses;

    @BeforeAll
    static void readDependencies() throws Exception {
        uses = packageDependencies(classesDirectory());
    }

    @Test
    void everyPackageHasItsLayer() {
        Set<String> unplaced = new TreeSet<>(uses.keySet());
        uses.values().forEach(unplaced::addAll);
        LAYERS.forEach(unplaced::removeAll);
        assertThat(unplaced)
                .as("packages missing from LayersTest.LAYERS (and docs/architecture.md)")
                .isEmpty();
    }

    @Test
    void everyDependencyPointsDown() {
        Map<String, Integer> layerOf = new HashMap<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            for (String p : LAYERS.get(i)) {
                layerOf.put(p, i);
            }
        }
        List<String> wrong = new ArrayList<>();
        uses.forEach((from, targets) -> targets.forEach(to -> {
            Integer a = layerOf.get(from);
            Integer b = layerOf.get(to);
            if (a != null && b != null && b <= a) {
                wrong.add(from + " -> " + to + (a.equals(b) ? " (same layer)" : " (points up)"));
            }
        }));
        assertThat(wrong).as("dependencies that do not point down the layers").isEmpty();
    }

    @Test
    void noPackageCycle() {
        assertThat(cycles(uses)).as("package cycles").isEmpty();
    }

    @Test
    void theDependenciesWereRead() {
        // guards the two tests above against passing on an empty or misread jdeps answer
        assertThat(uses).containsKey("io.hookline.api");
        assertThat(uses.get("io.hookline.api")).contains("io.hookline.store", "io.hookline.http");
    }

    private static Path classesDirectory() throws URISyntaxException {
        return Path.of(
                Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Runs the running JDK's jdeps over the classes and keeps the edges between this project's packages. */
    private static Map<String, Set<String>> packageDependencies(Path classes) throws IOException, InterruptedException {
        Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
        assertThat(jdeps).as("jdeps of the running JDK").isExecutable();
        Path out = Files.createTempFile("jdeps", ".txt");
        try {
            Process process = new ProcessBuilder(
                            jdeps.toString(), "-verbose:package", "-filter:none", classes.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS))
                    .as("jdeps finished")
                    .isTrue();
            String text = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(process.exitValue())
                    .as("jdeps exit status; its output:\n" + text)
                    .isZero();
            Map<String, Set<String>> edges = new TreeMap<>();
            for (String line : text.split("\n")) {
                Matcher m = EDGE.matcher(line);
                if (m.find() && !m.group(1).equals(m.group(2))) {
                    edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
                }
            }
            return edges;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The strongly connected groups of more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        List<String> stack = new ArrayList<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> found = new ArrayList<>();
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void connect(
            String node,
            Map<String, Set<String>> graph,
            Map<String, Integer> index,
            Map<String, Integer> low,
            List<String> stack,
            Set<String> onStack,
            List<Set<String>> found) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.add(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, onStack, found);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> group = new TreeSet<>();
            String member;
            do {
                member = stack.remove(stack.size() - 1);
                onStack.remove(member);
                group.add(member);
            } while (!member.equals(node));
            if (group.size() > 1) {
                found.add(group);
            }
        }
    }
}

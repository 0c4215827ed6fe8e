package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link FileTrees}. */
class FileTreesTest {
    @TempDir Path tmp;

    @Test
    void shouldDeleteATreeChildrenFirst() throws Exception {
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("a/b/c/file"), "x");
        Files.writeString(root.resolve("a/top"), "y");

        FileTrees.delete(root);

        assertThat(root).doesNotExist();
        assertThat(tmp).exists();
    }

    @Test
    void shouldAcceptAMissingDirectory() throws Exception {
        FileTrees.delete(tmp.resolve("never-made"));

        assertThat(tmp.resolve("never-made")).doesNotExist();
    }
}

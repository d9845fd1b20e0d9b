package dev.healthscore.features.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.testing.TestSpark;
import java.io.FileNotFoundException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsCreateModes;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session's {@code file:} file system does what Hadoop's does, without starting chmod or
 * readlink: the same permissions, the same refusal to rename onto an existing file (what a
 * Delta commit relies on), the same answer for a symlink.
 */
class LocalFilesWithoutShellTest {
  @TempDir java.nio.file.Path dir;

  private static Configuration conf() {
    return TestSpark.spark().sparkContext().hadoopConfiguration();
  }

  @Test
  void theSessionUsesIt() throws Exception {
    assertInstanceOf(LocalFilesWithoutShell.FileSystem.class, FileSystem.get(URI.create("file:///"), conf()));
    assertInstanceOf(LocalFilesWithoutShell.Fs.class, FileContext.getFileContext(URI.create("file:///"), conf()).getDefaultFileSystem());
  }

  @Test
  void permissionsAsChmodSetsThem() throws Exception {
    FileSystem fs = FileSystem.get(URI.create("file:///"), conf());
    Path sub = new Path(dir.toUri().toString(), "a/b");
    assertTrue(fs.mkdirs(sub, new FsPermission((short) 0750)));
    assertEquals("rwxr-x---", mode(dir.resolve("a/b")));
    Path file = new Path(sub, "f.txt");
    try (var out = fs.create(file)) {
      out.write("x".getBytes(StandardCharsets.UTF_8));
    }
    fs.setPermission(file, new FsPermission((short) 0640));
    assertEquals("rw-r-----", mode(dir.resolve("a/b/f.txt")));
    fs.setPermission(file, new FsPermission((short) 0604));
    assertEquals("rw----r--", mode(dir.resolve("a/b/f.txt")));
    // FileContext's creates pass the masked and unmasked modes together: the masked one is set
    fs.setPermission(file, FsCreateModes.create(new FsPermission((short) 0640), new FsPermission((short) 0666)));
    assertEquals("rw-r-----", mode(dir.resolve("a/b/f.txt")));
    assertThrows(java.io.IOException.class, () -> fs.setPermission(new Path(sub, "missing"), new FsPermission((short) 0644)));
  }

  @Test
  void aRenameNeverReplacesAnExistingFile() throws Exception {
    FileContext fc = FileContext.getFileContext(URI.create("file:///"), conf());
    Files.writeString(dir.resolve("00.json"), "first");
    Files.writeString(dir.resolve("tmp.json"), "second");
    Path committed = new Path(dir.resolve("00.json").toUri());
    Path attempt = new Path(dir.resolve("tmp.json").toUri());
    assertThrows(FileAlreadyExistsException.class, () -> fc.rename(attempt, committed, Options.Rename.NONE));
    assertEquals("first", Files.readString(dir.resolve("00.json")));
    fc.rename(attempt, new Path(dir.resolve("01.json").toUri()), Options.Rename.NONE);
    assertEquals("second", Files.readString(dir.resolve("01.json")));
    assertFalse(Files.exists(dir.resolve("tmp.json")));
    assertThrows(FileNotFoundException.class, () -> fc.getFileLinkStatus(attempt));
  }

  @Test
  void aSymlinkGetsHadoopsOwnAnswer() throws Exception {
    Files.writeString(dir.resolve("target.txt"), "t");
    Files.createSymbolicLink(dir.resolve("link.txt"), dir.resolve("target.txt"));
    Path link = new Path(dir.resolve("link.txt").toUri());
    Path plain = new Path(dir.resolve("target.txt").toUri());
    RawLocalFileSystem hadoops = new RawLocalFileSystem();
    hadoops.initialize(URI.create("file:///"), new Configuration());
    LocalFilesWithoutShell.RawFileSystem ours = new LocalFilesWithoutShell.RawFileSystem();
    ours.initialize(URI.create("file:///"), new Configuration());
    for (Path p : new Path[] {link, plain}) {
      assertEquals(hadoops.getFileLinkStatus(p).isSymlink(), ours.getFileLinkStatus(p).isSymlink(), p.toString());
      assertEquals(hadoops.getFileLinkStatus(p).getLen(), ours.getFileLinkStatus(p).getLen(), p.toString());
      assertEquals(hadoops.getFileLinkStatus(p).isFile(), ours.getFileLinkStatus(p).isFile(), p.toString());
    }
  }

  private static String mode(java.nio.file.Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}

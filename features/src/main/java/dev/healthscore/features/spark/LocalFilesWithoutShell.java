package dev.healthscore.features.spark;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.LocalConfigKeys;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.SparkConf;

/**
 * Hadoop's local file system ({@code file:} paths) without its shell commands. Without
 * Hadoop's native library, which Spark does not ship, Hadoop sets every new directory's and
 * file's permission by starting {@code chmod}, and every rename through {@code FileContext}
 * (each Delta commit) starts {@code readlink} twice: a nightly started about 440 processes
 * (docs/benchmarks.md). Here the same two things are done in the JVM with {@code java.nio};
 * everything else is Hadoop's own local file system, checksum files included.
 */
public final class LocalFilesWithoutShell {
  private LocalFilesWithoutShell() {}

  /** Makes {@code file:} paths use these classes, unless the user configured them. */
  static void register(SparkConf conf) {
    conf.setIfMissing("spark.hadoop.fs.file.impl", FileSystem.class.getName());
    conf.setIfMissing("spark.hadoop.fs.AbstractFileSystem.file.impl", Fs.class.getName());
  }

  /** The raw file system: Hadoop's, with chmod and the symlink check done in the JVM. */
  public static class RawFileSystem extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      short mode = permission.toShort();
      if ((mode & ~0777) != 0) { // sticky or set-id bits: java.nio cannot set them
        super.setPermission(p, permission);
        return;
      }
      try {
        // the mode as a plain FsPermission prints chmod's symbols, e.g. rwxr-x--- (subclasses such as FsCreateModes print more)
        Files.setPosixFilePermissions(pathToFile(p).toPath(), PosixFilePermissions.fromString(new FsPermission(mode).toString()));
      } catch (UnsupportedOperationException notPosix) {
        super.setPermission(p, permission);
      }
    }

    /**
     * Hadoop asks {@code readlink} whether the path is a symlink (passing it the path's URI,
     * which no file matches, so the answer is always "no") and then returns its status; a
     * real symlink is still left to Hadoop.
     */
    @Override
    public FileStatus getFileLinkStatus(Path f) throws IOException {
      if (Files.isSymbolicLink(pathToFile(f).toPath())) return super.getFileLinkStatus(f);
      return getFileStatus(f);
    }
  }

  /** {@code fs.file.impl}: Hadoop's LocalFileSystem (checksums) over {@link RawFileSystem}. */
  public static class FileSystem extends LocalFileSystem {
    public FileSystem() {
      super(new RawFileSystem());
    }
  }

  /** {@code fs.AbstractFileSystem.file.impl} (FileContext, which Delta commits through): Hadoop's LocalFs over {@link RawFileSystem}. */
  public static class Fs extends ChecksumFs {
    public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(new RawFs(conf));
    }
  }

  /** What Hadoop's RawLocalFs is, with {@link RawFileSystem} underneath. */
  static final class RawFs extends DelegateToFileSystem {
    RawFs(Configuration conf) throws IOException, URISyntaxException {
      super(FsConstants.LOCAL_FS_URI, new RawFileSystem(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
    }

    @Override
    public int getUriDefaultPort() {
      return -1;
    }

    @Override
    @SuppressWarnings("deprecation")
    public FsServerDefaults getServerDefaults() throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    public boolean isValidName(String src) {
      return true; // as RawLocalFs: the operating system decides
    }
  }
}

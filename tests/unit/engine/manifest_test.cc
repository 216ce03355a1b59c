#include "hvrun/manifest.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hvrun {
namespace {

using ::testing::HasSubstr;
using v1::RunManifest;

constexpr char kGood[] = R"pb(# A whole run.
                              image: "/opt/app"
                              args: "one"
                              args: "two words"
                              env: "A=1"
                              env: "B=x=y"
                              memory: "64M"
                              backend: BACKEND_SIM
                              mounts { host_path: "/data" guest_path: "/mnt" read_only: true }
                              limits { timeout: "30s" }
                              verbose: true
                              runtime: "/opt/hvrun-runtime.elf"
)pb";

TEST(Manifest, ParsesEveryField) {
  absl::StatusOr<RunManifest> m = ParseManifest(kGood, "good.textproto");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->image(), "/opt/app");
  ASSERT_EQ(m->args_size(), 2);
  EXPECT_EQ(m->args(1), "two words");
  ASSERT_EQ(m->env_size(), 2);
  EXPECT_EQ(m->env(1), "B=x=y");
  EXPECT_EQ(m->memory(), "64M");
  EXPECT_EQ(m->backend(), RunManifest::BACKEND_SIM);
  ASSERT_EQ(m->mounts_size(), 1);
  EXPECT_EQ(m->mounts(0).guest_path(), "/mnt");
  EXPECT_TRUE(m->mounts(0).read_only());
  EXPECT_EQ(m->limits().timeout(), "30s");
  EXPECT_TRUE(m->verbose());
  EXPECT_EQ(m->runtime(), "/opt/hvrun-runtime.elf");
}

TEST(Manifest, EmptyIsValid) {
  absl::StatusOr<RunManifest> m = ParseManifest("", "empty.textproto");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->image().empty());
}

TEST(Manifest, SyntaxErrorNamesFileLineAndColumn) {
  absl::StatusOr<RunManifest> m =
      ParseManifest("image: \"/opt/app\"\nargs: \"x\"\nmemory \"64M\"\n", "run.textproto");
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("manifest run.textproto:3:8: "));
}

TEST(Manifest, UnterminatedStringNamesItsLine) {
  absl::StatusOr<RunManifest> m = ParseManifest("\n\nimage: \"/opt/app\n", "run.textproto");
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("run.textproto:3:"));
}

TEST(Manifest, UnclosedMessageSaysEndOfFile) {
  absl::StatusOr<RunManifest> m = ParseManifest("image: \"a\"\nlimits {\n", "run.textproto");
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("run.textproto:3:1: "));
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("end of file"));
}

TEST(Manifest, UnknownFieldIsAnError) {
  absl::StatusOr<RunManifest> m = ParseManifest("image: \"a\"\nimgae: \"b\"\n", "run.textproto");
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("run.textproto:2:"));
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("imgae"));
}

TEST(Manifest, UnknownBackendNameIsAnError) {
  absl::StatusOr<RunManifest> m =
      ParseManifest("image: \"a\"\nbackend: BACKEND_QEMU\nmemory: \"64M\"\n", "run.textproto");
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("run.textproto:2:10:"));
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("BACKEND_QEMU"));
}

TEST(Manifest, UnknownBackendNumberIsAnError) {
  absl::StatusOr<RunManifest> m = ParseManifest("image: \"a\"\nbackend: 42\n", "run.textproto");
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("run.textproto:2:"));
}

TEST(Manifest, BadMemoryNamesLineAndValue) {
  absl::StatusOr<RunManifest> m =
      ParseManifest("image: \"a\"\n  memory: \"lots\"\n", "run.textproto");
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(m.status().message());
  EXPECT_THAT(message, HasSubstr("manifest run.textproto:2:3: memory: "));
  EXPECT_THAT(message, HasSubstr("'lots' is not a size"));
  EXPECT_EQ(message.find("--memory"), std::string::npos) << message;
}

TEST(Manifest, MemoryOutOfRange) {
  absl::StatusOr<RunManifest> m = ParseManifest("memory: \"1K\"\n", "run.textproto");
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("run.textproto:1:1: memory: "));
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("out of range"));
}

TEST(Manifest, BadTimeoutNamesLineAndField) {
  absl::StatusOr<RunManifest> m =
      ParseManifest("image: \"a\"\nlimits {\n  timeout: \"soon\"\n}\n", "run.textproto");
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("manifest run.textproto:3:3: limits.timeout: 'soon' is not a duration"));
}

TEST(Manifest, ZeroTimeoutIsAnError) {
  absl::StatusOr<RunManifest> m = ParseManifest("limits { timeout: \"0s\" }", "run.textproto");
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("must be positive"));
}

TEST(Manifest, EnvWithoutEqualsNamesItsLine) {
  absl::StatusOr<RunManifest> m = ParseManifest("env: \"A=1\"\nenv: \"B\"\n", "run.textproto");
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("run.textproto:2:1: env: 'B' is not KEY=VAL"));
}

TEST(Manifest, PrintThenParseRoundTrips) {
  absl::StatusOr<RunManifest> m = ParseManifest(kGood, "good.textproto");
  ASSERT_TRUE(m.ok()) << m.status();
  const std::string text = PrintManifest(*m);
  EXPECT_THAT(text, HasSubstr("memory: \"64M\""));
  EXPECT_THAT(text, HasSubstr("backend: BACKEND_SIM"));
  absl::StatusOr<RunManifest> again = ParseManifest(text, "printed");
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << text;
  EXPECT_EQ(again->SerializeAsString(), m->SerializeAsString()) << text;
}

TEST(Manifest, ReadMissingFileIsNotFound) {
  absl::StatusOr<RunManifest> m = ReadManifest("/nonexistent/run.textproto");
  ASSERT_EQ(m.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(m.status().message(), "manifest /nonexistent/run.textproto: no such file");
}

TEST(Manifest, ReadsAFile) {
  char path[] = "/tmp/hv_manifest_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "image: \"/opt/app\"\nmemory: \"oops\"\n";
  absl::StatusOr<RunManifest> m = ReadManifest(path);
  unlink(path);
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr(std::string("manifest ") + path + ":2:1: memory: "));
}

TEST(Manifest, ReadDirectoryIsAnError) {
  absl::StatusOr<RunManifest> m = ReadManifest("/tmp");
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("is a directory"));
}

TEST(Manifest, FlagsOverrideAndDefaultsFill) {
  absl::StatusOr<RunManifest> m = ParseManifest(
      "image: \"/opt/app\"\nargs: \"x\"\nenv: \"A=1\"\nenv: \"B=2\"\nmemory: \"64M\"\n"
      "limits { timeout: \"30s\" }\n",
      "run.textproto");
  ASSERT_TRUE(m.ok()) << m.status();
  ManifestFlags given{.backend = "kvm", .env = {"B=3", "C=4"}};
  ManifestFlags defaults{.backend = "auto",
                         .memory = "512M",
                         .verbose = false,
                         .runtime = "",
                         .timeout = absl::InfiniteDuration()};
  ASSERT_TRUE(ApplyFlags(given, defaults, &*m).ok());
  EXPECT_EQ(m->backend(), RunManifest::BACKEND_KVM);  // the flag wins
  EXPECT_EQ(m->memory(), "64M");                      // the manifest beats the default
  EXPECT_EQ(m->limits().timeout(), "30s");
  EXPECT_EQ(m->image(), "/opt/app");
  ASSERT_EQ(m->env_size(), 3);
  EXPECT_EQ(m->env(0), "A=1");
  EXPECT_EQ(m->env(1), "B=3");  // replaced in place
  EXPECT_EQ(m->env(2), "C=4");

  ManifestFlags more{
      .memory = "128M", .timeout = absl::Minutes(5), .app_args = {"/bin/other", "y", "z"}};
  ASSERT_TRUE(ApplyFlags(more, {}, &*m).ok());
  EXPECT_EQ(m->memory(), "128M");
  EXPECT_EQ(m->limits().timeout(), "5m");
  EXPECT_EQ(m->image(), "/bin/other");
  ASSERT_EQ(m->args_size(), 2);
  EXPECT_EQ(m->args(0), "y");
}

TEST(Manifest, DefaultsFillAnEmptyManifest) {
  RunManifest m;
  ManifestFlags defaults{.backend = "auto", .memory = "512M", .timeout = absl::InfiniteDuration()};
  ASSERT_TRUE(ApplyFlags({}, defaults, &m).ok());
  EXPECT_EQ(m.backend(), RunManifest::BACKEND_AUTO);
  EXPECT_EQ(m.memory(), "512M");
  EXPECT_FALSE(m.has_limits());
}

TEST(Manifest, BadFlagsNameTheFlag) {
  RunManifest m;
  EXPECT_THAT(std::string(ApplyFlags({.backend = "bogus"}, {}, &m).message()),
              HasSubstr("unknown backend 'bogus'"));
  EXPECT_THAT(std::string(ApplyFlags({.memory = "garbage"}, {}, &m).message()),
              HasSubstr("--memory='garbage'"));
  EXPECT_THAT(std::string(ApplyFlags({.timeout = absl::ZeroDuration()}, {}, &m).message()),
              HasSubstr("--timeout must be positive"));
  EXPECT_THAT(std::string(ApplyFlags({.env = {"NOVALUE"}}, {}, &m).message()),
              HasSubstr("-e 'NOVALUE' is not KEY=VAL"));
}

TEST(Manifest, ToLaunchOptions) {
  absl::StatusOr<RunManifest> m = ParseManifest(
      "image: \"/opt/app\"\nargs: \"x\"\nenv: \"A=1\"\nmemory: \"64M\"\nbackend: BACKEND_SIM\n"
      "limits { timeout: \"1m30s\" }\nverbose: true\n",
      "run.textproto");
  ASSERT_TRUE(m.ok()) << m.status();
  absl::StatusOr<LaunchOptions> o = ToLaunchOptions(*m);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->app, "/opt/app");
  EXPECT_EQ(o->args, (std::vector<std::string>{"/opt/app", "x"}));
  ASSERT_EQ(o->env.size(), 2u);  // a default PATH, then A
  EXPECT_EQ(o->env[0].rfind("PATH=", 0), 0u);
  EXPECT_EQ(o->env[1], "A=1");
  EXPECT_EQ(o->memory, 64ull << 20);
  EXPECT_EQ(o->backend, "sim");
  EXPECT_EQ(o->timeout, absl::Seconds(90));
  EXPECT_TRUE(o->verbose);
}

TEST(Manifest, RootfsAndWorkdir) {
  absl::StatusOr<RunManifest> m = ParseManifest(
      "image: \"python3\"\nrootfs: \"/srv/img\"\nrootfs_read_write: true\nworkdir: \"/app\"\n",
      "run.textproto");
  ASSERT_TRUE(m.ok()) << m.status();
  absl::StatusOr<LaunchOptions> o = ToLaunchOptions(*m);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->rootfs, "/srv/img");
  EXPECT_TRUE(o->rootfs_rw);
  EXPECT_EQ(o->workdir, "/app");
  EXPECT_EQ(o->memory, 0u) << "no memory given: the launcher's default (the host's RAM)";
  absl::StatusOr<RunManifest> back = ToManifest(*o);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->rootfs(), "/srv/img");
  EXPECT_TRUE(back->rootfs_read_write());
  EXPECT_EQ(back->workdir(), "/app");
  EXPECT_TRUE(back->memory().empty());
  // --rootfs-rw alone means nothing: an error, not a silent no-op.
  RunManifest rw_only;
  rw_only.set_image("/bin/x");
  rw_only.set_rootfs_read_write(true);
  EXPECT_THAT(std::string(ToLaunchOptions(rw_only).status().message()),
              HasSubstr("--rootfs-rw needs --rootfs"));
  // A relative --workdir is refused when given.
  RunManifest w;
  EXPECT_THAT(std::string(ApplyFlags({.workdir = "app"}, {}, &w).message()),
              HasSubstr("must be an absolute path"));
}

TEST(Manifest, ToLaunchOptionsDefaults) {
  RunManifest m;
  m.set_image("/opt/app");
  m.add_env("PATH=/bin");
  absl::StatusOr<LaunchOptions> o = ToLaunchOptions(m);
  ASSERT_TRUE(o.ok()) << o.status();
  LaunchOptions defaults;
  EXPECT_EQ(o->backend, defaults.backend);
  EXPECT_EQ(o->memory, defaults.memory);
  EXPECT_EQ(o->timeout, absl::InfiniteDuration());
  EXPECT_EQ(o->env, (std::vector<std::string>{"PATH=/bin"}));  // no second PATH
}

TEST(Manifest, MountsBecomeVolumes) {
  absl::StatusOr<RunManifest> m = ParseManifest(kGood, "good.textproto");
  ASSERT_TRUE(m.ok()) << m.status();
  absl::StatusOr<LaunchOptions> o = ToLaunchOptions(*m);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->volumes, (std::vector<std::string>{"/data:/mnt:ro"}));
}

TEST(Manifest, VolumeFlagsAppendMounts) {
  absl::StatusOr<RunManifest> m = ParseManifest(kGood, "good.textproto");
  ASSERT_TRUE(m.ok()) << m.status();
  ManifestFlags given;
  given.volumes = {"/srv:/srv", "/in:/in:ro"};
  ASSERT_TRUE(ApplyFlags(given, ManifestFlags(), &*m).ok());
  absl::StatusOr<LaunchOptions> o = ToLaunchOptions(*m);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->volumes, (std::vector<std::string>{"/data:/mnt:ro", "/srv:/srv", "/in:/in:ro"}));
  absl::StatusOr<RunManifest> back = ToManifest(*o);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->mounts_size(), 3);
  EXPECT_TRUE(back->mounts(2).read_only());
  EXPECT_FALSE(back->mounts(1).read_only());
}

TEST(Manifest, BadVolumeIsRefused) {
  RunManifest m;
  for (const char* bad : {"/only-host", "/a:/b:rx", ":/b", "/a:/b:ro:x"}) {
    ManifestFlags given;
    given.volumes = {bad};
    EXPECT_EQ(ApplyFlags(given, ManifestFlags(), &m).code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

// Found by fuzz_manifest (tests/fuzz/corpus/manifest/regress-mount-colon):
// a mount path with ':' became a volume spec that reads differently, so
// ToLaunchOptions(ToManifest(o)) was not (o), and guest_path "/data:ro"
// ran as a read-only mount of /data. Now the manifest is refused, at the
// path's line.
TEST(Manifest, MountPathWithColonIsRefused) {
  absl::StatusOr<RunManifest> m = ParseManifest(
      "image: \"/a\"\nmounts {\n  host_path: \"/srv\"\n  guest_path: \"/data:ro\"\n}\n",
      "run.textproto");
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("manifest run.textproto:4:3: mounts.guest_path: '/data:ro' contains ':'"));
  m = ParseManifest("mounts { host_path: \"/a:/b\" guest_path: \"/g\" }", "run.textproto");
  ASSERT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("run.textproto:1:10: mounts.host_path"));

  RunManifest built;  // not parsed: ToLaunchOptions checks it too
  built.set_image("/a");
  RunManifest::Mount* mount = built.add_mounts();
  mount->set_host_path("/srv");
  mount->set_guest_path("/data:ro");
  EXPECT_EQ(ToLaunchOptions(built).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Manifest, NoImageIsRefusedAtLaunch) {
  EXPECT_EQ(ToLaunchOptions(RunManifest()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Manifest, LaunchOptionsRoundTrip) {
  LaunchOptions o;
  o.backend = "kvm";
  o.memory = 2ull << 30;
  o.env = {"PATH=/bin", "A=1"};
  o.verbose = true;
  o.runtime = "/rt.elf";
  o.timeout = absl::Seconds(30);
  o.app = "/opt/app";
  o.args = {"/opt/app", "x"};
  absl::StatusOr<RunManifest> m = ToManifest(o);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->memory(), "2G");
  EXPECT_EQ(m->limits().timeout(), "30s");
  absl::StatusOr<RunManifest> parsed = ParseManifest(PrintManifest(*m), "printed");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  absl::StatusOr<LaunchOptions> back = ToLaunchOptions(*parsed);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->backend, o.backend);
  EXPECT_EQ(back->memory, o.memory);
  EXPECT_EQ(back->env, o.env);
  EXPECT_EQ(back->verbose, o.verbose);
  EXPECT_EQ(back->runtime, o.runtime);
  EXPECT_EQ(back->timeout, o.timeout);
  EXPECT_EQ(back->app, o.app);
  EXPECT_EQ(back->args, o.args);

  o.backend = "bogus";
  EXPECT_FALSE(ToManifest(o).ok());
}

}  // namespace
}  // namespace hvrun

// Driver stand-in: what JCuda passed as kernelParams. The driver API gives cuLaunchKernel only
// void** kernelParams, without a count or sizes (a real driver reads them from the cubin). The
// stand-in learns them from the Java side instead: at cuInit it re-registers JCuda's native method
// JCudaDriver.cuLaunchKernelNative with a hook that inspects the jcuda.Pointer argument (the
// number of Pointers in it and the bytes each points to: a Pointer.to(NativePointerObject...) is
// 8 bytes per object, a Pointer.to(int[]) or a buffer its capacity times the element size, less
// the byte offset) and then calls JCuda's own implementation, which calls cuLaunchKernel here.
// A TEST FIXTURE, not a GPU.
#include <dlfcn.h>
#include <jni.h>
#include <link.h>

#include <cstring>

#include "standin.h"

namespace standin {

static thread_local ParamInfo pending;
static thread_local bool pendingSet = false;
static std::string hookProblem = "cuInit has not run";

ParamInfo takeParamInfo() {
  ParamInfo out;
  if (pendingSet) {
    out = std::move(pending);
    pendingSet = false;
  } else {
    out.unknownReason = "the launch did not come through JCuda's cuLaunchKernel" +
                        (hookProblem.empty() ? std::string() : " (the stand-in's hook is absent: " + hookProblem + ")");
  }
  return out;
}

typedef jint (*LaunchNative)(JNIEnv*, jclass, jobject, jint, jint, jint, jint, jint, jint, jint, jobject, jobject,
                             jobject);
static LaunchNative original = nullptr;

struct Classes {
  jclass pointer, buffer;
  jfieldID pointers, bufferField, byteOffset;
  jmethodID capacity;
  jclass elementTypes[7];
  int elementSizes[7];
};
static Classes classes;

static size_t elementSize(JNIEnv* env, jobject buffer) {
  for (int i = 0; i < 7; i++) {
    if (env->IsInstanceOf(buffer, classes.elementTypes[i])) return (size_t)classes.elementSizes[i];
  }
  return 0;
}

static ParamInfo inspect(JNIEnv* env, jobject kernelParams) {
  ParamInfo info;
  if (kernelParams == nullptr) {
    info.known = true;
    return info;
  }
  jobjectArray array = (jobjectArray)env->GetObjectField(kernelParams, classes.pointers);
  if (array == nullptr || env->GetLongField(kernelParams, classes.byteOffset) != 0) {
    info.unknownReason = "kernelParams is not a Pointer.to(Pointer...) of the parameters";
    return info;
  }
  jsize n = env->GetArrayLength(array);
  for (jsize i = 0; i < n; i++) {
    jobject p = env->GetObjectArrayElement(array, i);
    size_t size = 0;
    bool object = false;
    if (p != nullptr && env->IsInstanceOf(p, classes.pointer)) {
      jobjectArray nested = (jobjectArray)env->GetObjectField(p, classes.pointers);
      jobject buffer = env->GetObjectField(p, classes.bufferField);
      jlong offset = env->GetLongField(p, classes.byteOffset);
      if (nested != nullptr) {
        size = (size_t)env->GetArrayLength(nested) * sizeof(void*);
        object = true;
        env->DeleteLocalRef(nested);
      } else if (buffer != nullptr) {
        jint capacity = env->CallIntMethod(buffer, classes.capacity);
        size = (size_t)capacity * elementSize(env, buffer);
        size = (jlong)size > offset ? size - (size_t)offset : 0;
      }
      // else: a bare pointer value (e.g. a CUdeviceptr itself instead of Pointer.to(ptr)): size 0
      if (buffer != nullptr) env->DeleteLocalRef(buffer);
    }
    if (p != nullptr) env->DeleteLocalRef(p);
    info.sizes.push_back(size);
    info.pointerObject.push_back(object);
  }
  env->DeleteLocalRef(array);
  info.known = true;
  return info;
}

static jint JNICALL launchHook(JNIEnv* env, jclass cls, jobject f, jint gx, jint gy, jint gz, jint bx, jint by,
                               jint bz, jint shared, jobject stream, jobject kernelParams, jobject extra) {
  pending = inspect(env, kernelParams);
  pendingSet = true;
  jint rc = original(env, cls, f, gx, gy, gz, bx, by, bz, shared, stream, kernelParams, extra);
  pendingSet = false;
  return rc;
}

static int findJCuda(dl_phdr_info* info, size_t, void* data) {
  if (info->dlpi_name != nullptr && strstr(info->dlpi_name, "libJCudaDriver") != nullptr) {
    *(std::string*)data = info->dlpi_name;
    return 1;
  }
  return 0;
}

static bool lookup(JNIEnv* env) {
  const char* types[7] = {"java/nio/ByteBuffer", "java/nio/ShortBuffer", "java/nio/CharBuffer", "java/nio/IntBuffer",
                          "java/nio/FloatBuffer", "java/nio/LongBuffer", "java/nio/DoubleBuffer"};
  int sizes[7] = {1, 2, 2, 4, 4, 8, 8};
  for (int i = 0; i < 7; i++) {
    jclass c = env->FindClass(types[i]);
    if (c == nullptr) return false;
    classes.elementTypes[i] = (jclass)env->NewGlobalRef(c);
    classes.elementSizes[i] = sizes[i];
  }
  jclass pointer = env->FindClass("jcuda/Pointer");
  jclass buffer = env->FindClass("java/nio/Buffer");
  if (pointer == nullptr || buffer == nullptr) return false;
  classes.pointer = (jclass)env->NewGlobalRef(pointer);
  classes.buffer = (jclass)env->NewGlobalRef(buffer);
  classes.pointers = env->GetFieldID(pointer, "pointers", "[Ljcuda/NativePointerObject;");
  classes.bufferField = env->GetFieldID(pointer, "buffer", "Ljava/nio/Buffer;");
  classes.byteOffset = env->GetFieldID(pointer, "byteOffset", "J");
  classes.capacity = env->GetMethodID(buffer, "capacity", "()I");
  return classes.pointers != nullptr && classes.bufferField != nullptr && classes.byteOffset != nullptr &&
         classes.capacity != nullptr;
}

void installJniHooks() {
  typedef jint (*GetVms)(JavaVM**, jsize, jsize*);
  GetVms getVms = (GetVms)dlsym(RTLD_DEFAULT, "JNI_GetCreatedJavaVMs");
  if (getVms == nullptr) {
    hookProblem = "no JVM in this process";
    return;
  }
  JavaVM* vm;
  jsize count = 0;
  JNIEnv* env = nullptr;
  if (getVms(&vm, 1, &count) != JNI_OK || count < 1 || vm->GetEnv((void**)&env, JNI_VERSION_1_6) != JNI_OK) {
    hookProblem = "cuInit was not called from a Java thread";
    return;
  }
  std::string path;
  dl_iterate_phdr(findJCuda, &path);
  void* handle = path.empty() ? nullptr : dlopen(path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  original = handle == nullptr ? nullptr
                               : (LaunchNative)dlsym(handle, "Java_jcuda_driver_JCudaDriver_cuLaunchKernelNative");
  if (original == nullptr) {
    hookProblem = "JCuda's native library is not loaded";
    return;
  }
  jclass driver = env->FindClass("jcuda/driver/JCudaDriver");
  if (driver == nullptr || !lookup(env)) {
    env->ExceptionClear();
    hookProblem = "JCuda's classes are not visible from cuInit";
    return;
  }
  JNINativeMethod method = {(char*)"cuLaunchKernelNative",
                            (char*)"(Ljcuda/driver/CUfunction;IIIIIIILjcuda/driver/CUstream;Ljcuda/Pointer;"
                                   "Ljcuda/Pointer;)I",
                            (void*)&launchHook};
  if (env->RegisterNatives(driver, &method, 1) != JNI_OK) {
    env->ExceptionClear();
    hookProblem = "RegisterNatives failed";
    original = nullptr;
    return;
  }
  hookProblem.clear();
}

}  // namespace standin

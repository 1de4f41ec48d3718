# Sourced by the device scripts: on an NVIDIA machine, unpacks the Vulkan loader and GLVND and points the loader at
# NVIDIA's driver; then unpacks node.
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f $icd ]; then
  for f in "$DIR"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
  export VK_DRIVER_FILES=$icd
fi
xz -dc "$DIR/node.xz" > "$DIR/node" && chmod +x "$DIR/node"

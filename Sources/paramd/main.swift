import Service
print("paramd")

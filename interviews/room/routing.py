from django.urls import path

from interviews.room.consumers import BoardConsumer, RoomConsumer

websocket_urlpatterns = [
    path("ws/sessions/<int:pk>/room", RoomConsumer.as_asgi()),
    path("ws/sessions/<int:pk>/board", BoardConsumer.as_asgi()),
]
